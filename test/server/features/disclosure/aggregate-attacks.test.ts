import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HIDDEN_COUNT_STAND_IN, STATS_REQUESTS_PER_MINUTE } from '../../../../server/features/disclosure/index.ts';
import { getisOrdGiStar } from '../../../../server/stats/gi-star.ts';
import { mulberry32 } from '../../../../server/stats/random.ts';
import type { Role } from '../../../../shared/roles.ts';
import { authHeaders } from '../../../helpers/auth.ts';
import { createDistrict, createIncidents, createMunicipality, ORIGIN, times } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

/**
 * Adversarial suite for disclosure control (issue 10): a municipality with a few incidents planted at known
 * places, attacked by every role below police with sequences of allowed requests. The planted counts and places
 * must stay hidden; police, as the control, see them.
 */

/** Planted: two assaults within 10 m (open), three sexual offences in one spot (protected), two shootings (restricted), three bicycle thefts (for near-repeat). */
const ASSAULT = { x: 1234, y: 1777 };
const SEXUAL = { x: 2600, y: 900 };
const BELOW_POLICE: Role[] = ['public', 'council', 'planner', 'analyst'];

/** True when every number a suppressed viewer gets is null or a multiple of 5: no sum or difference of them is 1–4. */
const protectedNumber = (v: unknown) => v === null || v === '<5' || (typeof v === 'number' && v % 5 === 0);

for (const backend of testBackends()) {
  describe(`disclosure control against aggregate attacks (${backend})`, () => {
    let t: TestApp;
    const h = {} as Record<Role, Record<string, string>>;
    let ip = 0;
    /** Every request from its own address: the suite plays many attackers, not one rate-limited client. */
    const get = async (role: Role, url: string) => t.app.inject({ method: 'GET', url, headers: h[role], remoteAddress: `10.1.${Math.floor(++ip / 250)}.${ip % 250}` });
    const post = async (role: Role, url: string, payload: unknown) =>
      t.app.inject({ method: 'POST', url, headers: h[role], payload: payload as object, remoteAddress: `10.2.${Math.floor(++ip / 250)}.${ip % 250}` });
    /** A SWEREF 99 TM rectangle (offsets from the fixtures' origin) as a WGS84 GeoJSON polygon. */
    const rect = async (x0: number, y0: number, x1: number, y1: number) => {
      const r = await sql<{ g: string }>`SELECT ST_AsGeoJSON(ST_Transform(ST_MakeEnvelope(${ORIGIN.e + x0}::float8, ${ORIGIN.n + y0}::float8, ${ORIGIN.e + x1}::float8, ${ORIGIN.n + y1}::float8, 3006), 4326), 9) AS g`.execute(t.database.db);
      return JSON.parse(r.rows[0].g);
    };
    /** A SWEREF 99 TM point (offsets) in WGS84. */
    const wgs = async (x: number, y: number) => {
      const r = await sql<{ lon: number; lat: number }>`SELECT ST_X(p)::float8 AS lon, ST_Y(p)::float8 AS lat FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(${ORIGIN.e + x}::float8, ${ORIGIN.n + y}::float8), 3006), 4326) AS p) q`.execute(t.database.db);
      // parseBbox takes at most 12 decimals.
      return { lon: Number(r.rows[0].lon.toFixed(9)), lat: Number(r.rows[0].lat.toFixed(9)) };
    };
    const time = (role: Role, area: unknown, extra: Record<string, string> = {}) =>
      post(role, '/api/stats/time', { from: '2025-01-01', to: '2026-01-01', category: 'misshandel', ...extra, area });

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      const m = await createMunicipality(db);
      const parent = await createDistrict(db, { municipality: m, name: 'Hela', kind: 'stadsdel', population: 8000, x: 0, y: 0, size: 4000 });
      for (const [k, [x, y]] of [[0, 0], [2000, 0], [0, 2000], [2000, 2000]].entries()) {
        await createDistrict(db, { municipality: m, name: `Område ${k + 1}`, kind: 'omrade', parentId: parent, population: 2000, x, y, size: 2000 });
      }
      const random = mulberry32(10);
      const day = () => new Date(Date.UTC(2025, 0, 1) + random() * 364 * 86_400_000).toISOString();
      const far = () => {
        // Background away from the planted spots (over 600 m), so police answers show the planted ones plainly.
        for (;;) {
          const p = { x: random() * 4000, y: random() * 4000 };
          if (Math.hypot(p.x - ASSAULT.x, p.y - ASSAULT.y) > 600 && Math.hypot(p.x - SEXUAL.x, p.y - SEXUAL.y) > 600) return p;
        }
      };
      await createIncidents(db, m, [
        ...Array.from({ length: 400 }, () => ({ at: day(), ...far(), category: random() < 0.5 ? 'stold' : 'klotter' })),
        ...Array.from({ length: 60 }, () => ({ at: day(), ...far(), category: 'misshandel' })),
        ...Array.from({ length: 12 }, () => ({ at: day(), ...far(), category: 'vald_nara_relation' })),
        { at: '2025-06-10T22:00:00+02:00', x: ASSAULT.x, y: ASSAULT.y, category: 'misshandel' },
        { at: '2025-06-11T23:00:00+02:00', x: ASSAULT.x + 6, y: ASSAULT.y - 5, category: 'misshandel' },
        ...times(3, { at: '2025-06-12T21:00:00+02:00', x: SEXUAL.x, y: SEXUAL.y, category: 'sexualbrott' }),
        ...times(2, { at: '2025-08-01T01:00:00+02:00', x: 3500, y: 3500, category: 'skjutning' }),
        { at: '2025-05-01T10:00:00+02:00', x: 300, y: 300, category: 'cykelstold' },
        { at: '2025-05-02T10:00:00+02:00', x: 320, y: 300, category: 'cykelstold' },
        { at: '2025-05-03T10:00:00+02:00', x: 300, y: 330, category: 'cykelstold' },
      ]);
      for (const role of ['public', 'council', 'planner', 'analyst', 'police'] as const) h[role] = await authHeaders(t, role);
    });
    afterAll(async () => t?.close());

    describe('drawn areas (time patterns)', () => {
      it('refuses a 10 m × 10 m area around the assaults to every role but police, which sees both', async () => {
        const spot = await rect(ASSAULT.x - 5, ASSAULT.y - 10, ASSAULT.x + 15, ASSAULT.y + 5);
        for (const role of BELOW_POLICE) {
          const res = await time(role, spot);
          expect(res.statusCode, role).toBe(400);
          expect(res.json().errors[0].field).toBe('area');
        }
        const police = await time('police', spot);
        expect(police.json().total).toBe(2);
      });

      it('halving a square around the spot gives only hidden or multiple-of-5 counts, then a refusal', async () => {
        for (const role of BELOW_POLICE) {
          let [x0, y0, x1, y1] = [ASSAULT.x - 434, ASSAULT.y - 477, ASSAULT.x + 576, ASSAULT.y + 533];
          for (let step = 0; ; step++) {
            const res = await time(role, await rect(x0, y0, x1, y1));
            if ((x1 - x0) * (y1 - y0) < 250_000) {
              expect(res.statusCode, `${role} step ${step}`).toBe(400);
              break;
            }
            expect(res.statusCode, `${role} step ${step}`).toBe(200);
            const body = res.json();
            // Analysts see open counts exactly (SPEC §6); for them the area is still snapped and refused when small.
            if (role !== 'analyst') for (const v of [body.total, ...body.weekday_hour.flat(), ...body.monthly.map((mo: { count: number | null }) => mo.count)]) {
              expect(protectedNumber(v), `${role} step ${step}: ${v}`).toBe(true);
            }
            // Keep the half holding the spot, alternating the axis.
            if (step % 2 === 0) { const mid = (x0 + x1) / 2; if (ASSAULT.x < mid) x1 = mid; else x0 = mid; }
            else { const mid = (y0 + y1) / 2; if (ASSAULT.y < mid) y1 = mid; else y0 = mid; }
          }
        }
      });

      it('answers an area holding the spot exactly as one that leaves it out but covers the same 500 m cells', async () => {
        // [1100, 1700] × [1600, 2200] holds both assaults (x 1234 and 1240); from x = 1242 it holds neither. Both cover one cell centre, (1250, 1750).
        const withSpot = await rect(1100, 1600, 1700, 2200);
        const withoutSpot = await rect(1242, 1600, 1700, 2200);
        for (const role of BELOW_POLICE) {
          const a = await time(role, withSpot);
          const b = await time(role, withoutSpot);
          expect(a.statusCode, role).toBe(200);
          expect(a.json(), role).toEqual(b.json());
        }
        const pa = (await time('police', withSpot)).json();
        const pb = (await time('police', withoutSpot)).json();
        expect(pa.total - pb.total).toBe(2);
      });

      it('hides an answer whose total is 1–4 whole: no cell, month or category says when', async () => {
        const res = await time('public', await rect(990, 1490, 1510, 2010));
        const body = res.json();
        expect(body.total).toBeNull();
        expect(body.weekday_hour.flat().every((v: unknown) => v === null)).toBe(true);
        expect(body.monthly.every((mo: { count: unknown }) => mo.count === null)).toBe(true);
        expect(body.arshjul.categories).toEqual([]);
      });
    });

    describe('category sets and periods', () => {
      it('never names a hidden category in the årshjul (restricted shootings for council and planner)', async () => {
        for (const role of ['council', 'planner'] as const) {
          const body = (await get(role, '/api/stats/time?from=2025-01-01&to=2026-01-01')).json();
          expect(body.categories, role).toContain('skjutning');
          expect(body.arshjul.categories.map((c: { code: string }) => c.code), role).not.toContain('skjutning');
        }
        const police = (await get('police', '/api/stats/time?from=2025-01-01&to=2026-01-01')).json();
        expect(police.arshjul.categories.map((c: { code: string }) => c.code)).toContain('skjutning');
      });

      it('gives an analyst only multiples of 5 for protected category sets, so no difference of two is the planted 3', async () => {
        for (const category of ['sexualbrott', 'vald_nara_relation', 'sexualbrott,vald_nara_relation', 'sexualbrott,stold']) {
          const published: unknown[] = [];
          const timeBody = (await get('analyst', `/api/stats/time?from=2025-01-01&to=2026-01-01&category=${category}`)).json();
          published.push(timeBody.total, ...timeBody.monthly.map((mo: { count: unknown }) => mo.count), ...timeBody.weekday_hour.flat());
          const districtBody = (await get('analyst', `/api/stats/districts?from=2025-01-01&to=2026-01-01&category=${category}`)).json();
          published.push(...districtBody.districts.flatMap((d: { count: unknown; previous_count: unknown }) => [d.count, d.previous_count]));
          expect(published.every(protectedNumber), category).toBe(true);
        }
        const police = (await get('police', '/api/stats/time?from=2025-01-01&to=2026-01-01&category=sexualbrott')).json();
        expect(police.total).toBe(3);
      });

      it('widens a protected period to whole months, so sliding `to` day by day changes nothing', async () => {
        const answers = [];
        for (const to of ['2025-06-11', '2025-06-12', '2025-06-13', '2025-06-14', '2025-06-30']) {
          const res = await get('analyst', `/api/stats/time?from=2025-06-01&to=${to}&category=sexualbrott,vald_nara_relation`);
          expect(res.statusCode).toBe(200);
          answers.push(res.json());
        }
        for (const a of answers) {
          expect(a.period).toEqual({ from: '2025-06-01', to: '2025-07-01' });
          expect(a).toEqual(answers[0]);
        }
        const district = (await get('council', '/api/stats/districts?from=2025-07-20&to=2025-08-02&category=skjutning')).json();
        expect(district.period).toEqual({ from: '2025-07-01', to: '2025-09-01' });
      });

      it('keeps every level protected: stadsdel and område counts are multiples of 5 or hidden', async () => {
        for (const level of ['stadsdel', 'omrade']) {
          for (const role of ['public', 'council', 'planner'] as const) {
            const body = (await get(role, `/api/stats/districts?from=2025-01-01&to=2026-01-01&category=misshandel&level=${level}`)).json();
            for (const d of body.districts) expect(protectedNumber(d.count), `${role} ${level} ${d.name}`).toBe(true);
            expect(protectedNumber(body.unlocated)).toBe(true);
          }
        }
      });
    });

    describe('discrepancy', () => {
      it('publishes the same protected counts as /api/stats/districts and a threshold that gives back only published ones', async () => {
        for (const role of ['public', 'council', 'planner'] as const) {
          const q = 'from=2025-01-01&to=2026-01-01&category=misshandel,stold&level=omrade';
          const stats = (await get(role, `/api/stats/districts?${q}`)).json();
          const gap = (await get(role, `/api/stats/discrepancy?${q}&cells=false`)).json();
          const byId = new Map(stats.districts.map((d: { id: number; count: number | null }) => [d.id, d.count]));
          for (const d of gap.districts) expect(d.count, `${role} ${d.name}`).toBe(byId.get(d.id));
          const published = gap.districts.filter((d: { count: number | null }) => d.count !== null);
          const population = published.reduce((s: number, d: { population: number }) => s + d.population, 0);
          const recovered = (gap.thresholds.incident.value * population) / 1000;
          expect(recovered).toBeCloseTo(published.reduce((s: number, d: { count: number }) => s + d.count, 0), 6);
          expect(Math.round(recovered) % 5).toBe(0);
        }
      });
    });

    describe('hotspots', () => {
      it('refuses shifted grids, tiny cells and a band near 0 below police', async () => {
        for (const role of ['council', 'planner', 'analyst'] as const) {
          for (const [qs, field] of [['cell=50', 'cell'], ['cell=210', 'cell'], ['cell=199', 'cell'], ['cell=200&band=1', 'band'], ['cell=500&band=999', 'band']]) {
            const res = await get(role, `/api/stats/hotspots?from=2025-01-01&to=2026-01-01&category=misshandel&${qs}`);
            expect(res.statusCode, `${role} ${qs}`).toBe(400);
            expect(res.json().errors[0].field).toBe(field);
          }
        }
        expect((await get('police', '/api/stats/hotspots?from=2025-01-01&to=2026-01-01&category=misshandel&cell=50&band=1')).statusCode).toBe(200);
      });

      it('computes z from the published counts (so z reveals nothing the counts do not) and suppresses by sensitivity', async () => {
        const body = (await get('council', '/api/stats/hotspots?from=2025-01-01&to=2026-01-01&category=misshandel&cell=250')).json();
        expect(body.features.every((f: { properties: { count: unknown } }) => protectedNumber(f.properties.count))).toBe(true);
        const recomputed = getisOrdGiStar(body.features.map((f: { properties: { i: number; j: number; count: number | '<5' } }) => {
          const { i, j, count } = f.properties;
          return { x: 1.5 * 250 * i, y: Math.sqrt(3) * 250 * j + (Math.abs(i % 2) === 1 ? (Math.sqrt(3) * 250) / 2 : 0), count: count === '<5' ? HIDDEN_COUNT_STAND_IN : count };
        }), body.band_m);
        body.features.forEach((f: { properties: { z: number | null } }, k: number) => {
          if (f.properties.z === null) expect(recomputed[k].z).toBeNull();
          else expect(f.properties.z).toBeCloseTo(recomputed[k].z!, 9);
        });
        // A planner sees open counts suppressed as in district aggregates, and restricted ones too.
        for (const category of ['misshandel', 'skjutning']) {
          const planner = (await get('planner', `/api/stats/hotspots?from=2025-01-01&to=2026-01-01&category=${category}`)).json();
          expect(planner.features.every((f: { properties: { count: unknown } }) => protectedNumber(f.properties.count)), category).toBe(true);
          expect(planner.features.some((f: { properties: { count: unknown } }) => f.properties.count === '<5'), category).toBe(true);
        }
      });

      it('publishes no per-slice counts or z to suppressed roles in emerging hotspots', async () => {
        const body = (await get('council', '/api/stats/hotspots/emerging?from=2025-01-01&to=2026-01-01&category=misshandel&cell=500&slices=4')).json();
        for (const f of body.features) {
          expect(f.properties.slice_counts.every((v: unknown) => v === null)).toBe(true);
          expect(f.properties.slice_z.every((v: unknown) => v === null)).toBe(true);
          expect(protectedNumber(f.properties.count)).toBe(true);
        }
        const police = (await get('police', '/api/stats/hotspots/emerging?from=2025-01-01&to=2026-01-01&category=misshandel&cell=500&slices=4')).json();
        expect(police.features.some((f: { properties: { slice_counts: unknown[] } }) => f.properties.slice_counts.some((v) => typeof v === 'number' && v > 0))).toBe(true);
      });
      it('bounds Gi* work even for police: 50 m cells, a 1000 m band and 24 slices is a 400 naming slices', async () => {
        const res = await get('police', '/api/stats/hotspots/emerging?from=2025-01-01&to=2026-01-01&category=misshandel&cell=50&band=1000&slices=24');
        expect(res.statusCode).toBe(400);
        expect(res.json().errors[0].field).toBe('slices');
      });
    });

    describe('points: bbox bisection', () => {
      it('filters the bbox on the snapped point a planner gets, so a box around the exact spot finds nothing', async () => {
        // The assaults are at (1234, 1777) and (1240, 1772); their 100 m cell centre is (1250, 1750).
        const a = await wgs(1225, 1765);
        const b = await wgs(1245, 1785);
        const exactBox = `${a.lon},${a.lat},${b.lon},${b.lat}`;
        const planner = (await get('planner', `/api/incidents?from=2025-01-01&to=2026-01-01&category=misshandel&bbox=${exactBox}`)).json();
        expect(planner.features).toHaveLength(0);
        const police = (await get('police', `/api/incidents?from=2025-01-01&to=2026-01-01&category=misshandel&bbox=${exactBox}`)).json();
        expect(police.features).toHaveLength(2);
        const c = await wgs(1246, 1746);
        const d = await wgs(1254, 1754);
        const snappedBox = `${c.lon},${c.lat},${d.lon},${d.lat}`;
        const around = (await get('planner', `/api/incidents?from=2025-01-01&to=2026-01-01&category=misshandel&bbox=${snappedBox}`)).json();
        expect(around.features).toHaveLength(2);
        for (const f of around.features) {
          const [lon, lat] = f.geometry.coordinates;
          expect(lon >= c.lon && lon <= d.lon && lat >= c.lat && lat <= d.lat).toBe(true);
        }
      });
    });

    describe('near-repeat', () => {
      it('publishes neither events nor pairs when the count is hidden, and no pair counts to suppressed roles', async () => {
        for (const role of ['council', 'planner'] as const) {
          const body = (await get(role, '/api/stats/near-repeat?from=2025-01-01&to=2026-01-01&category=cykelstold&space_bands=100,200')).json();
          expect(body.events, role).toBeNull();
          expect(body.pairs, role).toBeNull();
          expect(body.observed, role).toEqual([]);
          expect(body.ratio, role).toEqual([]);
        }
        const police = (await get('police', '/api/stats/near-repeat?from=2025-01-01&to=2026-01-01&category=cykelstold&space_bands=0.001,100')).json();
        expect(police.events).toBe(3);
        expect(police.pairs).toBe(3);
      });

      it('refuses a space band near 0 below police (a "same spot?" band)', async () => {
        for (const role of ['council', 'planner', 'analyst'] as const) {
          const res = await get(role, '/api/stats/near-repeat?from=2025-01-01&to=2026-01-01&category=cykelstold&space_bands=0.001,100');
          expect(res.statusCode, role).toBe(400);
          expect(res.json().errors[0].field).toBe('space_bands');
        }
      });

      it('bounds the work: a space band over 2000 m is a 400 naming space_bands', async () => {
        const res = await get('analyst', '/api/stats/near-repeat?from=2025-01-01&to=2026-01-01&category=cykelstold&space_bands=5000');
        expect(res.statusCode).toBe(400);
        expect(res.json().errors[0].field).toBe('space_bands');
      });
    });

    describe('rate limit', () => {
      it(`answers 429 after ${STATS_REQUESTS_PER_MINUTE} statistics requests a minute from one address`, async () => {
        const statuses: number[] = [];
        for (let k = 0; k <= STATS_REQUESTS_PER_MINUTE; k++) {
          // Hotspots are refused to the public (403), which still counts: probing is what the limit is for.
          const res = await t.app.inject({ method: 'GET', url: '/api/stats/hotspots', remoteAddress: '192.0.2.7' });
          statuses.push(res.statusCode);
        }
        expect(statuses.slice(0, STATS_REQUESTS_PER_MINUTE).every((s) => s !== 429)).toBe(true);
        expect(statuses.at(-1)).toBe(429);
        expect((await t.app.inject({ method: 'GET', url: '/api/stats/hotspots', remoteAddress: '192.0.2.8' })).statusCode).toBe(403);
      });
    });
  });
}
