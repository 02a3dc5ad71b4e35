import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { CATEGORY_BY_CODE } from '../../../../shared/categories.ts';
import { ROLES, type Role } from '../../../../shared/roles.ts';
import { createToken } from '../../../../server/features/auth/auth.service.ts';
import { authHeaders } from '../../../helpers/auth.ts';
import { createDistrict, createIncidents, createMunicipality, times } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

/**
 * SPEC §6 as a matrix: every registered route × every role. The route list comes from the app itself,
 * so a route added later without an entry here fails the suite instead of escaping the check.
 *
 * Expectations: 'ok' = 2xx; 'denied' = 401 (public) or 403 (signed in); 'passes' = neither 401 nor 403
 * (write routes driven with a deliberately incomplete body: the role got past the gate, the input did not).
 */
type Expect = 'ok' | 'denied' | 'passes' | number;
type PerRole = Record<Role, Expect>;

interface Ctx {
  t: TestApp;
  districtA: number;
  userId: number;
  tokenId: number;
  surveyId: number;
  councilId: number;
  meetingId: number;
  actionId: number;
}

interface Entry {
  request: (ctx: Ctx) => InjectOptions;
  expect: PerRole;
  /** Which fields and categories come back, per role (only called on 2xx). */
  check?: (role: Role, res: LightMyRequestResponse, ctx: Ctx) => void;
}

const all = (e: Expect): PerRole => ({ public: e, council: e, planner: e, analyst: e, police: e, admin: e });
const only = (allowed: Role[], otherwise: Expect = 'denied', yes: Expect = 'ok'): PerRole =>
  Object.fromEntries(ROLES.map((r) => [r, allowed.includes(r) ? yes : otherwise])) as PerRole;
const ADMIN = only(['admin']);
const IMPORTERS = only(['analyst', 'police', 'admin'], 'denied', 'passes');

let signInAttempt = 0;
const PERIOD = 'municipality=0999&from=2025-01-01&to=2026-01-01';
const BBOX = 'bbox=17.0,59.0,18.5,60.0';
// The z12 web-mercator tile holding the fixtures' origin (SWEREF 99 TM 650000, 6600000 ≈ 17.63° E, 59.52° N).
function tileOf(lon: number, lat: number, z: number): string {
  const n = 2 ** z, r = (lat * Math.PI) / 180;
  return `${z}/${Math.floor(((lon + 180) / 360) * n)}/${Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)}`;
}
const TILE = tileOf(17.6342, 59.5238, 12);
const get = (url: string) => () => ({ method: 'GET' as const, url });
const sensitivityOf = (code: string) => CATEGORY_BY_CODE.get(code)!.sensitivity;

const SECRET_DESCRIPTION = 'SECRET-DESCRIPTION-TEXT';
const PENDING_COMMENT = 'PENDING-COMMENT-TEXT';
const APPROVED_COMMENT = 'APPROVED-COMMENT-TEXT';

const MATRIX: Record<string, Entry> = {
  'GET /api/health': { request: get('/api/health'), expect: all('ok') },
  'GET /api/config': { request: get('/api/config'), expect: all('ok') },
  'GET /api/basemap/style.json': { request: get('/api/basemap/style.json'), expect: all('ok') },
  'GET /api/openapi.json': { request: get('/api/openapi.json'), expect: all('ok') },
  'GET /api/docs': { request: get('/api/docs'), expect: all('ok') },
  'GET /api/municipalities': { request: get('/api/municipalities'), expect: all('ok') },
  'GET /api/auth/me': {
    request: get('/api/auth/me'), expect: all('ok'),
    check: (role, res) => expect(res.json().role).toBe(role),
  },
  'POST /api/auth/sign-in': {
    request: () => ({ method: 'POST', url: '/api/auth/sign-in', payload: { email: `nobody${++signInAttempt}@test.example`, password: 'wrong wrong' } }),
    expect: all(401), // wrong credentials, whoever asks
  },
  'POST /api/auth/sign-out': { request: () => ({ method: 'POST', url: '/api/auth/sign-out' }), expect: all('ok') },
  'GET /api/users': {
    request: get('/api/users'), expect: ADMIN,
    check: (_, res) => {
      expect(res.body).not.toContain('password_hash');
      expect(res.body).not.toContain('scrypt$');
    },
  },
  'POST /api/users': { request: () => ({ method: 'POST', url: '/api/users', payload: { email: 'bad', role: 'council' } }), expect: only(['admin'], 'denied', 'passes') },
  'PATCH /api/users/:id': { request: (c) => ({ method: 'PATCH', url: `/api/users/${c.userId}`, payload: { unlock: true } }), expect: ADMIN },
  'GET /api/tokens': {
    request: get('/api/tokens'), expect: ADMIN,
    check: (_, res) => {
      expect(res.body).not.toContain('token_hash');
      expect(res.body).not.toMatch(/lbt_[A-Za-z0-9_-]{43}/);
    },
  },
  'POST /api/tokens': { request: () => ({ method: 'POST', url: '/api/tokens', payload: { role: 'nobody' } }), expect: only(['admin'], 'denied', 'passes') },
  'DELETE /api/tokens/:id': { request: (c) => ({ method: 'DELETE', url: `/api/tokens/${c.tokenId}` }), expect: ADMIN },
  'GET /api/audit-log': { request: get('/api/audit-log'), expect: ADMIN },
  // Operations (issue 16): readiness is for load balancers; metrics and backups are admin-only.
  'GET /api/ready': { request: get('/api/ready'), expect: all('ok') },
  'GET /metrics': {
    request: get('/metrics'), expect: ADMIN,
    check: (_role, res) => expect(res.body).not.toContain(SECRET_DESCRIPTION),
  },
  'GET /api/backup': { request: get('/api/backup'), expect: ADMIN },
  'GET /api/districts': { request: get('/api/districts'), expect: all('ok') },
  'GET /api/stats/districts': {
    request: get(`/api/stats/districts?${PERIOD}`),
    expect: all('ok'),
    check: (role, res) => {
      const body = res.json();
      const sens = new Set(body.categories.map(sensitivityOf));
      const expected = {
        public: ['open'], council: ['open', 'restricted'], planner: ['open', 'restricted'],
        analyst: ['open', 'restricted', 'protected'], police: ['open', 'restricted', 'protected'], admin: ['open'],
      }[role];
      expect([...sens].sort()).toEqual([...expected].sort());
      const suppressedRole = role === 'public' || role === 'council' || role === 'planner' || role === 'analyst';
      for (const d of body.districts) if (d.count !== null && d.count > 0 && d.count < 5) expect(suppressedRole).toBe(false);
    },
  },
  'GET /api/stats/hotspots': {
    request: get(`/api/stats/hotspots?${PERIOD}&cell=500`),
    expect: only(['council', 'planner', 'analyst', 'police']),
    check: (role, res) => {
      const body = res.json();
      const counts = body.features.map((f: { properties: { count: number | string } }) => f.properties.count);
      if (role === 'council') expect(counts.every((c: number | string) => c === '<5' || c === 0 || (typeof c === 'number' && c >= 5))).toBe(true);
      expect(body.categories.some((c: string) => sensitivityOf(c) === 'protected')).toBe(role === 'analyst' || role === 'police');
    },
  },
  'GET /api/stats/hotspots/emerging': {
    request: get(`/api/stats/hotspots/emerging?${PERIOD}&cell=500`),
    expect: only(['council', 'planner', 'analyst', 'police']),
  },
  'GET /api/stats/time': {
    request: get(`/api/stats/time?${PERIOD}`),
    expect: all('ok'),
    check: (role, res) => {
      const body = res.json();
      const allowed = role === 'analyst' || role === 'police' ? ['open', 'restricted', 'protected'] : role === 'council' || role === 'planner' ? ['open', 'restricted'] : ['open'];
      expect(body.categories.every((c: string) => allowed.includes(sensitivityOf(c)))).toBe(true);
    },
  },
  'POST /api/stats/time': {
    request: () => ({
      method: 'POST', url: '/api/stats/time',
      payload: {
        municipality: '0999', from: '2025-01-01', to: '2026-01-01',
        area: { type: 'Polygon', coordinates: [[[17.5, 59.4], [17.8, 59.4], [17.8, 59.6], [17.5, 59.6], [17.5, 59.4]]] },
      },
    }),
    expect: all('ok'),
  },
  'GET /api/surveys': { request: get('/api/surveys?municipality=0999'), expect: all('ok') },
  'GET /api/surveys/:id/indicators': { request: (c) => ({ method: 'GET', url: `/api/surveys/${c.surveyId}/indicators?municipality=0999` }), expect: all('ok') },
  'GET /api/stats/discrepancy': {
    // Cells are sub-district detail: only roles with hotspot access may ask for them (SPEC §6).
    request: get(`/api/stats/discrepancy?${PERIOD}&cells=true&cell=500`),
    expect: only(['council', 'planner', 'analyst', 'police']),
  },
  'GET /api/stats/near-repeat': {
    request: get(`/api/stats/near-repeat?${PERIOD}&category=cykelstold&iterations=19`),
    expect: only(['council', 'planner', 'analyst', 'police']),
  },
  'GET /api/incidents': {
    request: get(`/api/incidents?${PERIOD}&${BBOX}`),
    expect: only(['planner', 'analyst', 'police']),
    check: (role, res) => {
      const features = res.json().features as { properties: { category: string; precision: string; description?: string } }[];
      expect(features.length).toBeGreaterThan(0);
      for (const f of features) {
        const s = sensitivityOf(f.properties.category);
        if (role === 'planner') expect([s, f.properties.precision]).toEqual(['open', 'snapped_100m']);
        if (role === 'analyst') {
          expect(s).not.toBe('protected');
          if (s === 'restricted') expect(f.properties.precision).toBe('snapped_100m');
        }
        if (role === 'police') expect(f.properties.precision).toBe('exact');
      }
      expect(res.body.includes(SECRET_DESCRIPTION)).toBe(role === 'police');
      if (role === 'police') expect(features.some((f) => sensitivityOf(f.properties.category) === 'protected')).toBe(true);
    },
  },
  'GET /api/survey-marks': {
    request: get('/api/survey-marks?municipality=0999'),
    expect: only(['council', 'planner', 'analyst', 'police']),
    check: (role, res) => {
      expect(res.body.includes(PENDING_COMMENT)).toBe(role === 'analyst');
      expect(res.body).toContain(APPROVED_COMMENT);
    },
  },
  'GET /api/exports/district-stats': {
    request: get(`/api/exports/district-stats?kind=csv&${PERIOD}`),
    expect: all('ok'),
    // The same publication as GET /api/stats/districts: same categories and suppression per role.
    check: (role, res, ctx) => MATRIX['GET /api/stats/districts'].check!(role, res, ctx),
  },
  'POST /api/exports/audit': { request: () => ({ method: 'POST', url: '/api/exports/audit', payload: { kind: 'csv', municipality: '0999', filters: {} } }), expect: all('ok') },
  'GET /api/imports': { request: get('/api/imports?municipality=0999'), expect: only(['analyst', 'police', 'admin']) },
  'POST /api/imports/incidents': { request: () => ({ method: 'POST', url: '/api/imports/incidents' }), expect: IMPORTERS },
  'POST /api/imports/districts': { request: () => ({ method: 'POST', url: '/api/imports/districts' }), expect: IMPORTERS },
  'POST /api/imports/survey': { request: () => ({ method: 'POST', url: '/api/imports/survey' }), expect: IMPORTERS },
  'POST /api/imports/category-mapping': { request: () => ({ method: 'POST', url: '/api/imports/category-mapping' }), expect: IMPORTERS },
  'POST /api/imports/:id/rollback': { request: () => ({ method: 'POST', url: '/api/imports/999999/rollback' }), expect: IMPORTERS },
  'GET /api/imports/category-mapping': { request: get('/api/imports/category-mapping?municipality=0999'), expect: only(['analyst', 'police', 'admin']) },
  'PUT /api/imports/category-mapping': {
    request: () => ({ method: 'PUT', url: '/api/imports/category-mapping', payload: { municipality: '0999', source: 'police', source_code: 'X1', category: 'stold' } }),
    // A police code: analysts import non-police sources only, so they may not remap it (IMPORT_SOURCE_FORBIDDEN).
    expect: { ...IMPORTERS, analyst: 'denied' },
  },
  'DELETE /api/imports/category-mapping': {
    request: () => ({ method: 'DELETE', url: '/api/imports/category-mapping', payload: { municipality: '0999', source: 'police', source_code: 'none' } }),
    expect: IMPORTERS,
  },
  'GET /api/tiles/incidents/:z/:x/:y.mvt': {
    request: get(`/api/tiles/incidents/${TILE}.mvt?${PERIOD}`),
    expect: only(['planner', 'analyst', 'police']),
    check: (_, res) => expect(Number(res.headers['x-lagesbild-points'])).toBeGreaterThan(0),
  },
  'GET /api/tiles/hotspots/:z/:x/:y.mvt': {
    request: get(`/api/tiles/hotspots/${TILE}.mvt?${PERIOD}&cell=500`),
    expect: only(['council', 'planner', 'analyst', 'police']),
    check: (role, res) => {
      expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
      expect(res.headers['cache-control']).toBe('private, no-cache');
    },
  },
  'GET /api/tiles/survey-marks/:z/:x/:y.mvt': {
    request: get(`/api/tiles/survey-marks/${TILE}.mvt?municipality=0999`),
    expect: only(['council', 'planner', 'analyst', 'police']),
    // Tiles carry reasons and time of day, never comments, not even approved ones.
    check: (_, res) => {
      expect(Number(res.headers['x-lagesbild-points'])).toBeGreaterThan(0);
      expect(res.rawPayload.includes(APPROVED_COMMENT)).toBe(false);
      expect(res.rawPayload.includes(PENDING_COMMENT)).toBe(false);
    },
  },
  'POST /api/site-checks': {
    request: () => ({
      method: 'POST', url: '/api/site-checks',
      payload: {
        municipality: '0999', from: '2025-01-01', to: '2026-01-01', buffer_m: 0,
        geometry: { type: 'Polygon', coordinates: [[[17.6581, 59.5150], [17.6617, 59.5150], [17.6617, 59.5166], [17.6581, 59.5166], [17.6581, 59.5150]]] },
      },
    }),
    expect: only(['planner', 'analyst', 'police']),
    check: (role, res) => {
      const body = res.json();
      expect(body.categories.some((c: string) => sensitivityOf(c) === 'protected')).toBe(role === 'analyst' || role === 'police');
      expect(res.body).not.toContain(SECRET_DESCRIPTION);
      expect(res.body).not.toContain('Storgatan');
    },
  },
  'POST /api/site-checks/save': { request: () => ({ method: 'POST', url: '/api/site-checks/save', payload: { buffer_m: 0 } }), expect: only(['planner', 'analyst', 'police'], 'denied', 'passes') },
  'GET /api/site-checks': { request: get('/api/site-checks?municipality=0999'), expect: only(['council', 'planner', 'analyst', 'police']) },
  'GET /api/site-checks/:id': { request: get('/api/site-checks/999999'), expect: only(['council', 'planner', 'analyst', 'police'], 'denied', 'passes') },
  'GET /api/citizen-promises': {
    request: get('/api/citizen-promises?municipality=0999'), expect: all('ok'),
    check: (role, res) => {
      const editor = role === 'analyst' || role === 'police';
      for (const p of res.json().promises) {
        if (!editor) expect(['published', 'followed_up']).toContain(p.status);
        if (!editor) expect(p).not.toHaveProperty('internal_notes');
      }
    },
  },
  'POST /api/citizen-promises': { request: () => ({ method: 'POST', url: '/api/citizen-promises', payload: { title: 'x' } }), expect: only(['analyst', 'police'], 'denied', 'passes') },
  'POST /api/citizen-promises/draft': {
    request: (c) => ({ method: 'POST', url: '/api/citizen-promises/draft', payload: { municipality: '0999', area: { district_ids: [c.districtA] }, from: '2025-01-01', to: '2026-01-01' } }),
    expect: only(['analyst', 'police']),
  },
  'GET /api/citizen-promises/:id': { request: get('/api/citizen-promises/999999'), expect: all(404) },
  'PUT /api/citizen-promises/:id': { request: () => ({ method: 'PUT', url: '/api/citizen-promises/999999', payload: {} }), expect: only(['analyst', 'police'], 'denied', 'passes') },
  'DELETE /api/citizen-promises/:id': { request: () => ({ method: 'DELETE', url: '/api/citizen-promises/999999' }), expect: only(['analyst', 'police'], 'denied', 'passes') },
  'POST /api/citizen-promises/:id/status': { request: () => ({ method: 'POST', url: '/api/citizen-promises/999999/status', payload: { status: 'agreed' } }), expect: only(['analyst', 'police'], 'denied', 'passes') },
  'POST /api/citizen-promises/:id/follow-up': { request: () => ({ method: 'POST', url: '/api/citizen-promises/999999/follow-up' }), expect: only(['analyst', 'police'], 'denied', 'passes') },
  'GET /api/public/citizen-promises': { request: get('/api/public/citizen-promises?municipality=0999'), expect: all('ok') },
  'GET /api/public/trends': {
    request: get(`/api/public/trends?${PERIOD}`), expect: all('ok'),
    check: (_, res) => expect(res.json().categories.every((c: string) => sensitivityOf(c) === 'open')).toBe(true),
  },
  'GET /public': { request: get('/public?municipality=0999'), expect: all('ok') },
  // Councils, meetings and priorities (issue 12): internal to the roles that work with councils; write
  // routes are driven with incomplete bodies or unknown ids, so only the gate is under test here.
  'GET /api/councils': { request: get('/api/councils?municipality=0999'), expect: only(['council', 'planner', 'analyst', 'police', 'admin']) },
  'POST /api/councils': { request: () => ({ method: 'POST', url: '/api/councils', payload: { name: '' } }), expect: only(['analyst', 'police', 'admin'], 'denied', 'passes') },
  'GET /api/councils/member-candidates': { request: get('/api/councils/member-candidates?municipality=0999'), expect: only(['analyst', 'police', 'admin']) },
  'GET /api/councils/:id': { request: (c) => get(`/api/councils/${c.councilId}`)(), expect: only(['council', 'planner', 'analyst', 'police', 'admin']) },
  'PUT /api/councils/:id': { request: (c) => ({ method: 'PUT', url: `/api/councils/${c.councilId}`, payload: {} }), expect: only(['analyst', 'police', 'admin'], 'denied', 'passes') },
  'GET /api/meetings': { request: get('/api/meetings?municipality=0999'), expect: only(['council', 'planner', 'analyst', 'police']) },
  'POST /api/meetings': { request: () => ({ method: 'POST', url: '/api/meetings', payload: { municipality: '0999' } }), expect: only(['council', 'analyst', 'police'], 'denied', 'passes') },
  'GET /api/meetings/:id': { request: (c) => get(`/api/meetings/${c.meetingId}`)(), expect: only(['council', 'planner', 'analyst', 'police']) },
  'PATCH /api/meetings/:id': { request: (c) => ({ method: 'PATCH', url: `/api/meetings/${c.meetingId}`, payload: { surprise: 1 } }), expect: only(['council', 'analyst', 'police'], 'denied', 'passes') },
  'PUT /api/meetings/:id': { request: (c) => ({ method: 'PUT', url: `/api/meetings/${c.meetingId}`, payload: { surprise: 1 } }), expect: only(['council', 'analyst', 'police'], 'denied', 'passes') },
  'POST /api/meetings/:id/close': { request: () => ({ method: 'POST', url: '/api/meetings/999999999/close' }), expect: only(['council', 'analyst', 'police'], 'denied', 'passes') },
  'GET /api/meetings/:id/situation': {
    request: (c) => get(`/api/meetings/${c.meetingId}/situation`)(), expect: only(['council', 'planner', 'analyst', 'police']),
    check: (role, res) => {
      const s = res.json().situation;
      expect(s.tier).toBe(role);
      const sens = new Set(s.categories.map(sensitivityOf));
      expect(sens.has('protected')).toBe(role === 'analyst' || role === 'police');
    },
  },
  'GET /api/meetings/:id/map.svg': {
    request: (c) => get(`/api/meetings/${c.meetingId}/map.svg?district=${c.districtA}`)(), expect: only(['council', 'planner', 'analyst', 'police']),
    check: (_role, res) => expect(res.headers['content-type']).toContain('image/svg+xml'),
  },
  'POST /api/meetings/:id/priorities': { request: (c) => ({ method: 'POST', url: `/api/meetings/${c.meetingId}/priorities`, payload: {} }), expect: only(['council', 'analyst', 'police'], 'denied', 'passes') },
  'GET /api/priorities': { request: get('/api/priorities?municipality=0999'), expect: all('ok') },
  'PUT /api/priorities/:id': { request: () => ({ method: 'PUT', url: '/api/priorities/999999999', payload: {} }), expect: only(['council', 'analyst', 'police'], 'denied', 'passes') },
  'GET /api/actions': { request: get('/api/actions?municipality=0999'), expect: only(['council', 'planner', 'analyst', 'police']) },
  'POST /api/actions': { request: () => ({ method: 'POST', url: '/api/actions', payload: { municipality: '0999' } }), expect: only(['analyst', 'police'], 'denied', 'passes') },
  'GET /api/actions/:id': {
    request: (c) => get(`/api/actions/${c.actionId}`)(), expect: only(['council', 'planner', 'analyst', 'police']),
    check: (role, res) => {
      const protectedEntry = res.json().follow_up.find((e: { key: string }) => e.key === 'vald_nara_relation');
      expect(protectedEntry.after === null).toBe(role === 'council' || role === 'planner');
    },
  },
  'PUT /api/actions/:id': { request: (c) => ({ method: 'PUT', url: `/api/actions/${c.actionId}`, payload: {} }), expect: only(['analyst', 'police'], 'denied', 'passes') },
  'DELETE /api/priorities/:id': { request: () => ({ method: 'DELETE', url: '/api/priorities/999999999' }), expect: only(['council', 'analyst', 'police'], 'denied', 'passes') },
  'POST /api/reports': {
    request: () => ({ method: 'POST', url: '/api/reports', payload: { municipality: '0999', year: 2025 } }),
    expect: only(['council', 'planner', 'analyst', 'police']),
    check: (role, res) => {
      const content = res.json().content;
      expect(content.filters.role).toBe(role);
      // A suppressing role never gets a published count of 1–4 (Örby has 3 incidents).
      for (const d of content.kartlaggning.districts) if (d.count !== null && d.count > 0 && d.count < 5) expect(role).toBe('police');
    },
  },
  'GET /api/reports': { request: get('/api/reports?municipality=0999'), expect: only(['council', 'planner', 'analyst', 'police']) },
  'GET /api/reports/preview': {
    request: get('/api/reports/preview?municipality=0999&year=2025'), expect: only(['council', 'planner', 'analyst', 'police']),
    check: (role, res) => {
      const categories = res.json().content.filters.categories as string[];
      expect(categories.some((c) => sensitivityOf(c) === 'protected')).toBe(role === 'analyst' || role === 'police');
    },
  },
  'GET /api/reports/:id': { request: get('/api/reports/999999'), expect: only(['council', 'planner', 'analyst', 'police'], 'denied', 'passes') },
  'GET /api/reports/:id/pdf': { request: get('/api/reports/999999/pdf'), expect: only(['council', 'planner', 'analyst', 'police'], 'denied', 'passes') },
  'GET /ogc': { request: get('/ogc?municipality=0999'), expect: all('ok') },
  'GET /ogc/conformance': { request: get('/ogc/conformance'), expect: all('ok') },
  'GET /ogc/collections': {
    request: get('/ogc/collections?municipality=0999'), expect: all('ok'),
    check: (role, res) => {
      const ids = res.json().collections.map((c: { id: string }) => c.id);
      expect(ids.includes('hotspots')).toBe(['council', 'planner', 'analyst', 'police'].includes(role));
      expect(ids.includes('survey-marks')).toBe(['council', 'planner', 'analyst', 'police'].includes(role));
    },
  },
  'GET /ogc/collections/:collectionId': { request: get('/ogc/collections/hotspots?municipality=0999'), expect: only(['council', 'planner', 'analyst', 'police']) },
  'GET /ogc/collections/:collectionId/items': {
    request: get('/ogc/collections/survey-marks/items?municipality=0999'),
    expect: only(['council', 'planner', 'analyst', 'police']),
    check: (role, res) => {
      expect(res.body.includes(PENDING_COMMENT)).toBe(role === 'analyst');
      expect(res.body).toContain(APPROVED_COMMENT);
    },
  },
  'GET /ogc/collections/:collectionId/items/:featureId': {
    request: (c) => get(`/ogc/collections/district-stats/items/${c.districtA}?${PERIOD}&category=vald_nara_relation`)(),
    expect: only(['analyst', 'police'], 403),
    check: (role, res) => expect(res.json().properties.count).toBe(role === 'police' ? 7 : 5),
  },
};

// Swagger UI's own static files: public documentation, no data.
const INFRASTRUCTURE = [/^GET \/api\/docs\//];

function judge(expectation: Expect, role: Role, status: number, body = '') {
  const who = `${role} (${body.slice(0, 160)})`;
  if (expectation === 'ok') expect(status, `expected 2xx for ${who}`).toBeGreaterThanOrEqual(200);
  if (expectation === 'ok') expect(status, `expected 2xx for ${who}`).toBeLessThan(300);
  // The public may be told to sign in (401) or that the public may not (403); a signed-in role gets 403.
  if (expectation === 'denied') expect(role === 'public' ? [401, 403] : [403], `expected denial for ${who}, got ${status}`).toContain(status);
  if (typeof expectation === 'number') expect(status, `for ${who}`).toBe(expectation);
  if (expectation === 'passes') expect([401, 403], `expected ${who} to get past the gate`).not.toContain(status);
}

for (const backend of testBackends()) {
  describe(`permission matrix: every route × every role (${backend})`, () => {
    const ctx = {} as Ctx;
    const headers = {} as Record<Role, Record<string, string>>;

    beforeAll(async () => {
      const t = await buildTestApp(backend);
      ctx.t = t;
      const db = t.database.db;
      const m = await createMunicipality(db);
      ctx.districtA = await createDistrict(db, { municipality: m, name: 'Åby', population: 1000, x: 0, y: 0, size: 1000 });
      await createDistrict(db, { municipality: m, name: 'Örby', population: 1000, x: 1000, y: 0, size: 1000 });
      await createDistrict(db, { municipality: m, name: 'Ystad', population: 1000, x: 2000, y: 0, size: 1000 });
      await createIncidents(db, m, [
        ...times(12, { at: '2025-03-15T12:00:00+01:00', x: 500, y: 500, category: 'stold' }),
        ...times(3, { at: '2025-03-15T12:00:00+01:00', x: 1500, y: 500, category: 'stold' }),
        ...times(30, { at: '2025-03-15T12:00:00+01:00', x: 2500, y: 500, category: 'klotter' }),
        ...times(6, { at: '2025-03-15T12:00:00+01:00', x: 520, y: 530, category: 'narkotika' }),
        ...times(7, { at: '2025-03-15T12:00:00+01:00', x: 540, y: 560, category: 'vald_nara_relation' }),
      ]);
      await sql`UPDATE incident SET description = ${SECRET_DESCRIPTION}, place = 'Storgatan 1'`.execute(db);
      const survey = await sql<{ id: number }>`INSERT INTO survey (municipality_code, name) VALUES (${m}, 'Trygghetsmätning 2025') RETURNING id`.execute(db);
      const sid = survey.rows[0].id;
      ctx.surveyId = sid;
      await sql`
        INSERT INTO survey_mark (municipality_code, survey_id, mark_ref, geom, reasons, comment, comment_status) VALUES
          (${m}, ${sid}, 'm1', ST_SetSRID(ST_MakePoint(650500, 6600500), 3006), ARRAY['belysning'], ${PENDING_COMMENT}, 'pending'),
          (${m}, ${sid}, 'm2', ST_SetSRID(ST_MakePoint(650600, 6600500), 3006), ARRAY['vegetation'], ${APPROVED_COMMENT}, 'approved')`.execute(db);
      ctx.councilId = (await sql<{ id: number }>`INSERT INTO council (municipality_code, name, level, district_ids) VALUES (${m}, 'Rådet', 'local', ARRAY[${ctx.districtA}]::bigint[]) RETURNING id`.execute(db)).rows[0].id;
      ctx.meetingId = (await sql<{ id: number }>`INSERT INTO meeting (municipality_code, council_id, council, date, district_ids, filters) VALUES (${m}, ${ctx.councilId}, 'Rådet', '2026-01-01', ARRAY[${ctx.districtA}]::bigint[], '{"from":"2025-01-01","to":"2026-01-01"}'::jsonb) RETURNING id`.execute(db)).rows[0].id;
      ctx.actionId = (await sql<{ id: number }>`INSERT INTO action (municipality_code, title, responsible, start_date, status, district_ids, indicators) VALUES (${m}, 'Insats', 'Nämnden', '2025-03-01', 'ongoing', ARRAY[${ctx.districtA}]::bigint[], '[{"key":"stold"},{"key":"vald_nara_relation"}]'::jsonb) RETURNING id`.execute(db)).rows[0].id;
      for (const role of ROLES) headers[role] = await authHeaders(t, role);
      ctx.userId = (await sql<{ id: number }>`INSERT INTO app_user (email, password_hash, role, municipality_code) VALUES ('x@test.example', 'scrypt$1$1$1$AA$AA', 'council', ${m}) RETURNING id`.execute(db)).rows[0].id;
      ctx.tokenId = (await createToken(db, { role: 'council', name: 'to be revoked', municipality: m })).id;
    });
    afterAll(async () => ctx.t?.close());

    it('has a matrix entry for every registered route', () => {
      const registered = ctx.t.app.routeTable.map((r) => `${r.method} ${r.url}`);
      const missing = registered.filter((key) => !MATRIX[key] && !INFRASTRUCTURE.some((re) => re.test(key)));
      expect(missing, 'routes without a permission-matrix entry (add one in this file)').toEqual([]);
    });

    it('has no stale matrix entries', () => {
      const registered = new Set(ctx.t.app.routeTable.map((r) => `${r.method} ${r.url}`));
      expect(Object.keys(MATRIX).filter((k) => !registered.has(k))).toEqual([]);
    });

    for (const [key, entry] of Object.entries(MATRIX)) {
      for (const role of ROLES) {
        it(`${key} as ${role}: ${entry.expect[role]}`, async () => {
          const req = entry.request(ctx);
          const res = await ctx.t.app.inject({ ...req, headers: { ...(req.headers ?? {}), ...headers[role] } } as InjectOptions);
          judge(entry.expect[role], role, res.statusCode, res.body);
          if (res.statusCode >= 200 && res.statusCode < 300) entry.check?.(role, res, ctx);
        });
      }
    }
  });
}
