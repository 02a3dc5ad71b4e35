import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAnnualReport, previewAnnualReport } from '../../server/features/reports/reports.service.ts';
import { ReportPreviewResponse, ReportSchema, ReportVersionListResponse, type Report } from '../../shared/reports.schema.ts';
import { authHeaders } from '../helpers/auth.ts';
import { buildDemoTestApp, viewerOf, wire } from '../helpers/demo-app.ts';
import { schemaProblems, unnoticedRemovals, without } from '../helpers/schema-check.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { testBackends } from '../helpers/test-db.ts';

// A whole demo year (the demo's data ends in November 2026).
const YEAR = 2025;

for (const backend of testBackends()) {
  describe(`shared/reports.schema.ts against a real report of the demo (${backend})`, () => {
    let t: TestApp;
    let analyst: Record<string, string>;
    let published: Report;

    beforeAll(async () => {
      t = await buildDemoTestApp(backend);
      analyst = await authHeaders(t, 'analyst');
      const res = await t.app.inject({
        method: 'POST', url: '/api/reports', headers: analyst,
        payload: { year: YEAR, introduction: 'Inledning.\n\nAndra stycket.', conclusion: 'Slutsats.' },
      });
      expect(res.statusCode, res.body).toBe(201);
      published = res.json();
    }, 600_000);
    afterAll(async () => t?.close());

    it('POST /api/reports answers a ReportSchema whose content holds every part of the report', () => {
      expect(schemaProblems(ReportSchema, published)).toEqual([]);
      const { content } = published;
      expect(Object.keys(content).sort()).toEqual([
        'analys', 'atgardsplan', 'categories', 'comparison', 'data_cutoff_at', 'filters', 'kartlaggning', 'map', 'municipality', 'period', 'sources', 'texts', 'year',
      ]);
      expect(content.analys.survey?.by_gender.groups.length).toBeGreaterThan(0);
      expect(content.atgardsplan.priorities.length).toBeGreaterThan(0);
    });

    it('GET /api/reports/{id} serves exactly the content the service stored: the schema drops no field', async () => {
      const res = await t.app.inject({ method: 'GET', url: `/api/reports/${published.id}`, headers: analyst });
      expect(res.statusCode).toBe(200);
      expect(schemaProblems(ReportSchema, res.json())).toEqual([]);
      const stored = await getAnnualReport(t.database.db, viewerOf('analyst'), published.id);
      expect(res.json().content).toEqual(wire(stored.content));
      expect(res.json()).toEqual(published);
    });

    it('GET /api/reports/preview serves exactly what the service builds', async () => {
      const res = await t.app.inject({ method: 'GET', url: `/api/reports/preview?year=${YEAR}`, headers: analyst });
      expect(res.statusCode).toBe(200);
      expect(schemaProblems(ReportPreviewResponse, res.json())).toEqual([]);
      expect(res.json().content).toEqual(wire(await previewAnnualReport(t.database.db, viewerOf('analyst'), { year: YEAR })));
    });

    it('a council member\'s preview (suppressed counts, no protected categories) matches the schema too', async () => {
      const res = await t.app.inject({ method: 'GET', url: `/api/reports/preview?year=${YEAR}`, headers: await authHeaders(t, 'council') });
      expect(res.statusCode).toBe(200);
      expect(schemaProblems(ReportPreviewResponse, res.json())).toEqual([]);
      expect(res.json().content.filters.role).toBe('council');
    });

    it('withholds, as the survey route does, which hidden survey group is only a complement of a small one', () => {
      const groups = [...published.content.analys.survey!.by_gender.groups, ...published.content.analys.survey!.by_age_group.groups];
      expect(groups.length).toBeGreaterThan(0);
      expect(groups.filter((g) => 'complement' in g)).toEqual([]);
    });

    it('GET /api/reports lists the version as a ReportVersionListResponse', async () => {
      const res = await t.app.inject({ method: 'GET', url: `/api/reports?year=${YEAR}`, headers: analyst });
      expect(schemaProblems(ReportVersionListResponse, res.json())).toEqual([]);
      expect(res.json().reports.map((r: { id: number }) => r.id)).toEqual([published.id]);
    });

    it('notices every required field missing from the real report, at every depth', () => {
      const { tried, unnoticed } = unnoticedRemovals(ReportSchema, published);
      expect(tried).toBeGreaterThan(100);
      expect(unnoticed).toEqual([]);
      expect(Value.Check(ReportSchema, without(published, ['content', 'kartlaggning', 'arshjul']))).toBe(false);
    });
  });
}
