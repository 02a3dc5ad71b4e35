import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_VIEWER, type Viewer } from '../../../../server/features/auth/viewer.ts';
import { getDiscrepancy } from '../../../../server/features/discrepancy/discrepancy.service.ts';
import { resolveIncidentFilters } from '../../../../server/features/incidents/incident-filters.ts';
import type { Role } from '../../../../shared/roles.ts';
import { authHeaders } from '../../../helpers/auth.ts';
import { createDistrict, createIncidents, createMunicipality, ORIGIN, times } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

const as = (role: Role): Viewer => ({ ...PUBLIC_VIEWER, role });

for (const backend of testBackends()) {
  describe(`discrepancy (${backend})`, () => {
    let t: TestApp;
    const ids: Record<string, number> = {};
    const run = async (role: Role, cells = false) => {
      const filters = await resolveIncidentFilters(t.database.db, { from: '2025-01-01', to: '2026-01-01', category: 'stold' }, as(role));
      return getDiscrepancy(t.database.db, as(role), filters, { cells, cell: 200 });
    };

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      const m = await createMunicipality(db);
      // Five 1 km squares with 1000 inhabitants each; incidents A 20, B 20, C 5, D 5, E 5 (municipal rate 55/5000 × 1000 = 11).
      const plan = [
        { name: 'A', incidents: 20, otrygg: 8, answers: 12 },
        { name: 'B', incidents: 20, otrygg: 0, answers: 12 },
        { name: 'C', incidents: 5, otrygg: 8, answers: 12 },
        { name: 'D', incidents: 5, otrygg: 0, answers: 12 },
        { name: 'E', incidents: 5, otrygg: 0, answers: 3 },
      ];
      const survey = (await sql<{ id: number }>`INSERT INTO survey (municipality_code, name) VALUES (${m}, 'Enkät') RETURNING id`.execute(db)).rows[0].id;
      let ref = 0;
      for (const [k, p] of plan.entries()) {
        const x = k * 1000;
        ids[p.name] = await createDistrict(db, { municipality: m, name: p.name, population: 1000, x, y: 0, size: 1000 });
        await createIncidents(db, m, times(p.incidents, { at: '2025-06-01T12:00:00+02:00', x: x + 500, y: 500 }));
        for (let a = 0; a < p.answers; a++) {
          await sql`INSERT INTO survey_response (municipality_code, survey_id, response_ref, district_id, otrygg_kvall)
                    VALUES (${m}, ${survey}, ${`r${++ref}`}, ${ids[p.name]}, ${a < p.otrygg ? 4 : 1})`.execute(db);
        }
      }
      // Ten unsafe-place marks in E only: its survey group is too small, so marks decide.
      for (let k = 0; k < 10; k++) {
        await sql`INSERT INTO survey_mark (municipality_code, survey_id, mark_ref, geom)
                  VALUES (${m}, ${survey}, ${`m${k}`}, ST_SetSRID(ST_MakePoint(${ORIGIN.e + 4500 + k * 10}, ${ORIGIN.n + 500}), 3006))`.execute(db);
      }
    });
    afterAll(async () => t?.close());

    it('classifies the four quadrants of the worked example against the stated thresholds', async () => {
      const r = await run('police');
      expect(r.thresholds.incident.value).toBeCloseTo(11, 12);
      expect(r.thresholds.perceived.value).toBeCloseTo(16 / 51, 12);
      const byName = Object.fromEntries(r.districts.map((d) => [d.name, d]));
      expect(byName.A.class).toBe('both_high');
      expect(byName.B.class).toBe('incidents_felt_safe');
      expect(byName.C.class).toBe('unsafe_few_incidents');
      expect(byName.D.class).toBe('both_low');
      expect(byName.A).toMatchObject({ count: 20, rate_per_1000: 20, incident_level: 'high', perceived_measure: 'share_otrygg', perceived_level: 'high' });
      // A (8 of 12 otrygg) is classified by its own answers, but as the smallest district beside E (under 10
      // answers) its share and n stay unpublished: with the overall 16/51 they would give E's answers away.
      expect(byName.A).toMatchObject({ share_otrygg: null, survey_n: null });
      expect(byName.B.share_otrygg).not.toBeNull();
    });

    it('falls back to unsafe-place mark density where the survey group has fewer than 10 answers', async () => {
      const r = await run('police');
      const e = r.districts.find((d) => d.name === 'E')!;
      expect(e).toMatchObject({ share_otrygg: null, marks: 10, perceived_measure: 'marks_per_km2', perceived_level: 'high', class: 'unsafe_few_incidents' });
      expect(r.thresholds.perceived.fallback.value).toBeCloseTo(10 / 5, 9);
    });

    it('classifies hexagons by incident and mark Gi* classes for roles with hotspot access', async () => {
      const r = await run('police', true);
      expect(r.cells!.features.length).toBeGreaterThan(0);
      const classes = new Set(r.cells!.features.map((f) => f.properties.class));
      for (const c of classes) expect(['both_high', 'unsafe_few_incidents', 'incidents_felt_safe', 'both_low']).toContain(c);
      expect(r.cells!.features.reduce((s, f) => s + (f.properties.count as number), 0)).toBe(55);
      expect(r.cells!.features.reduce((s, f) => s + f.properties.marks, 0)).toBe(10);
    });

    describe('route', () => {
      it('answers the public per district without cells', async () => {
        const res = await t.app.inject({ method: 'GET', url: '/api/stats/discrepancy?from=2025-01-01&to=2026-01-01&category=stold' });
        expect(res.statusCode).toBe(200);
        const body = res.json();
        expect(body.cells).toBeNull();
        expect(body.districts).toHaveLength(5);
        expect(body.thresholds.incident.rule).toContain('municipality-wide');
      });

      it('refuses cells to the public', async () => {
        const res = await t.app.inject({ method: 'GET', url: '/api/stats/discrepancy?cells=true' });
        expect(res.statusCode).toBe(403);
      });

      it('includes cells for a planner with counts under 5 exact', async () => {
        const res = await t.app.inject({ method: 'GET', url: '/api/stats/discrepancy?from=2025-01-01&to=2026-01-01&category=stold', headers: await authHeaders(t, 'planner') });
        expect(res.statusCode).toBe(200);
        expect(res.json().cells.type).toBe('FeatureCollection');
      });

      it.each([['survey=0', 'survey'], ['survey=x', 'survey'], ['level=gata', 'level'], ['cells=maybe', 'cells'], ['cell=1', 'cell'], ['x=1', 'x']])(
        'answers 400 naming the parameter for %s', async (qs, field) => {
          const res = await t.app.inject({ method: 'GET', url: `/api/stats/discrepancy?${qs}` });
          expect(res.statusCode).toBe(400);
          expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
        });

      it('answers 404 for a survey that does not exist', async () => {
        const res = await t.app.inject({ method: 'GET', url: '/api/stats/discrepancy?survey=999999' });
        expect(res.statusCode).toBe(404);
      });
    });
  });
}
