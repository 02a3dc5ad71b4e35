import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_VIEWER, type Viewer } from '../../../../server/features/auth/viewer.ts';
import { parseDrawnArea } from '../../../../server/features/incidents/incident-filter-sql.ts';
import { resolveIncidentFilters } from '../../../../server/features/incidents/incident-filters.ts';
import { getTimePatterns, monthsOfPeriod } from '../../../../server/features/time-patterns/time-patterns.service.ts';
import { mulberry32 } from '../../../../server/stats/random.ts';
import type { Role } from '../../../../shared/roles.ts';
import { authHeaders } from '../../../helpers/auth.ts';
import { createDistrict, createIncidents, createMunicipality, times } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

const as = (role: Role): Viewer => ({ ...PUBLIC_VIEWER, role });
const sum = (m: (number | null)[][]) => m.flat().reduce<number>((s, v) => s + (v ?? 0), 0);

/** A WGS84 square around SWEREF 99 TM offsets 0–1000 m of the fixtures' origin (650000, 6600000 ≈ 17.651° E, 59.511° N). */
const WEST_AREA = { type: 'Polygon', coordinates: [[[17.64, 59.505], [17.675, 59.505], [17.675, 59.525], [17.64, 59.525], [17.64, 59.505]]] };

for (const backend of testBackends()) {
  describe(`time patterns (${backend})`, () => {
    let t: TestApp;
    let west: number;
    let east: number;
    const filters = async (role: Role, extra: Record<string, unknown> = {}) =>
      resolveIncidentFilters(t.database.db, { from: '2025-01-01', to: '2026-01-01', ...extra }, as(role));

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      const m = await createMunicipality(db);
      west = await createDistrict(db, { municipality: m, name: 'Väst', population: 1000, x: 0, y: 0, size: 1000 });
      east = await createDistrict(db, { municipality: m, name: 'Öst', population: 1000, x: 5000, y: 0, size: 1000 });
      await createIncidents(db, m, [
        // Monday 2025-03-03 23:30 Stockholm (CET) = 22:30 UTC: must land on Monday hour 23, not in UTC's hour 22.
        ...times(6, { at: '2025-03-03T22:30:00Z', x: 500, y: 500, category: 'misshandel' }),
        // Sunday 2025-03-30 is the switch to CEST: 01:30 UTC is 03:30 local on Sunday.
        ...times(5, { at: '2025-03-30T01:30:00Z', x: 5500, y: 500, category: 'stold' }),
        // Saturday 2025-12-31? No: Wednesday 2025-12-31 23:59 local is still 2025-12 and Wednesday.
        ...times(7, { at: '2025-12-31T23:59:00+01:00', category: 'stold' }),
        // Unlocated and small: 2 on Friday 2025-07-04 14:10 local.
        ...times(2, { at: '2025-07-04T14:10:00+02:00', category: 'inbrott_bostad' }),
        // Outside the period.
        ...times(4, { at: '2026-01-01T00:00:00+01:00', x: 500, y: 500 }),
      ]);
      const random = mulberry32(3);
      await createIncidents(db, m, Array.from({ length: 300 }, () => ({
        at: new Date(Date.UTC(2025, 0, 1) + random() * 364 * 86_400_000).toISOString(),
        x: random() * 1000, y: random() * 1000, category: 'klotter',
      })));
    });
    afterAll(async () => t?.close());

    it('puts each incident in its Europe/Stockholm weekday and hour, Monday first (worked example)', async () => {
      const r = await getTimePatterns(t.database.db, await filters('analyst', { category: 'misshandel,stold,inbrott_bostad' }), null);
      expect(r.weekdays[0]).toBe('mon');
      expect(r.weekday_hour[0][23]).toBe(6);
      expect(r.weekday_hour[6][3]).toBe(5);
      expect(r.weekday_hour[2][23]).toBe(7);
      expect(r.weekday_hour[4][14]).toBe(2);
      expect(r.total).toBe(20);
    });

    it('counts unlocated incidents municipality-wide and reports them', async () => {
      const r = await getTimePatterns(t.database.db, await filters('analyst', { category: 'stold,inbrott_bostad' }), null);
      expect(r.total).toBe(14);
      expect(r.unlocated).toBe(9);
    });

    it('has a weekday × hour matrix that sums to the period total and a monthly series that does too (property)', async () => {
      // Police see every category unsuppressed (an analyst's default includes protected ones, suppressed < 5).
      const r = await getTimePatterns(t.database.db, await filters('police'), null);
      expect(r.weekday_hour).toHaveLength(7);
      expect(r.weekday_hour.every((row) => row.length === 24)).toBe(true);
      expect(sum(r.weekday_hour)).toBe(r.total);
      expect(r.monthly.reduce((s, m) => s + m.count!, 0)).toBe(r.total);
      expect(sum(r.arshjul.categories.map((c) => c.counts))).toBe(r.total);
      expect(r.total).toBe(320);
    });

    it('lists every month of the period, empty ones included, as YYYY-MM', async () => {
      const r = await getTimePatterns(t.database.db, await filters('analyst', { category: 'stold' }), null);
      expect(r.monthly.map((m) => m.month)).toEqual(monthsOfPeriod('2025-01-01', '2026-01-01'));
      expect(r.monthly).toHaveLength(12);
      expect(r.monthly.find((m) => m.month === '2025-03')!.count).toBe(5);
      expect(r.monthly.find((m) => m.month === '2025-12')!.count).toBe(7);
      expect(r.monthly.find((m) => m.month === '2025-06')!.count).toBe(0);
    });

    it('builds the årshjul as calendar month × category', async () => {
      const r = await getTimePatterns(t.database.db, await filters('analyst', { category: 'stold,misshandel' }), null);
      const stold = r.arshjul.categories.find((c) => c.code === 'stold')!;
      expect(stold.counts[2]).toBe(5);
      expect(stold.counts[11]).toBe(7);
      expect(r.arshjul.categories.find((c) => c.code === 'misshandel')!.counts[2]).toBe(6);
    });

    it('narrows to a district (located incidents of its subtree only)', async () => {
      const r = await getTimePatterns(t.database.db, await filters('analyst', { category: 'stold', district: east }), null);
      expect(r.scope).toBe('district');
      expect(r.total).toBe(5);
      expect(r.unlocated).toBeNull();
    });

    it('narrows to a drawn WGS84 area', async () => {
      const r = await getTimePatterns(t.database.db, await filters('analyst', { category: 'misshandel,stold' }), parseDrawnArea(WEST_AREA));
      expect(r.scope).toBe('area');
      expect(r.total).toBe(6);
    });

    it('shows counts of 1–4 as null to roles with suppression', async () => {
      const r = await getTimePatterns(t.database.db, await filters('public', { category: 'inbrott_bostad' }), null);
      expect(r.weekday_hour[4][14]).toBeNull();
      expect(r.total).toBeNull();
      expect(r.suppressed_cells).toBeGreaterThan(0);
    });

    it('flags police-initiated categories', async () => {
      const r = await getTimePatterns(t.database.db, await filters('analyst', { category: 'narkotika' }), null);
      expect(r.notes.join(' ')).toContain('police-initiated');
    });

    it('splits months at the Stockholm month boundary', () => {
      expect(monthsOfPeriod('2025-01-15', '2025-03-01')).toEqual(['2025-01', '2025-02']);
      expect(monthsOfPeriod('2025-01-15', '2025-03-02')).toEqual(['2025-01', '2025-02', '2025-03']);
    });

    describe('routes', () => {
      it('answers GET with a drawn area as GeoJSON text for an analyst', async () => {
        const headers = await authHeaders(t, 'analyst');
        const res = await t.app.inject({ method: 'GET', url: `/api/stats/time?from=2025-01-01&to=2026-01-01&category=misshandel&area=${encodeURIComponent(JSON.stringify(WEST_AREA))}`, headers });
        expect(res.statusCode).toBe(200);
        expect(res.json().total).toBe(6);
      });

      it('answers POST with the area as an object', async () => {
        const headers = await authHeaders(t, 'analyst');
        const res = await t.app.inject({ method: 'POST', url: '/api/stats/time', headers, payload: { from: '2025-01-01', to: '2026-01-01', category: 'misshandel', area: WEST_AREA } });
        expect(res.statusCode).toBe(200);
        expect(res.json().scope).toBe('area');
      });

      it('answers the public with suppressed municipality-wide counts', async () => {
        const res = await t.app.inject({ method: 'GET', url: '/api/stats/time?from=2025-01-01&to=2026-01-01' });
        expect(res.statusCode).toBe(200);
        expect(res.json().categories).not.toContain('narkotika');
      });

      it.each([
        ['area=%7Bnot%20json', 'area'],
        ['area=' + encodeURIComponent(JSON.stringify({ type: 'Point', coordinates: [17, 59] })), 'area'],
        ['area=' + encodeURIComponent(JSON.stringify({ type: 'Polygon', coordinates: [[[17, 59], [18, 59], [18, 60], [17, 59.5]]] })), 'area'],
        ['area=' + encodeURIComponent(JSON.stringify({ type: 'Polygon', coordinates: [[[17, 959], [18, 59], [18, 60], [17, 959]]] })), 'area'],
        ['to=2025-13-01', 'to'], ['from=2025-05-01&to=2025-01-01', 'from'], ['source=fbi', 'source'], ['district=abc', 'district'],
        ['district=999999', 'district'], ['hour=3', 'hour'],
      ])('answers 400 naming the parameter for %s', async (qs, field) => {
        const res = await t.app.inject({ method: 'GET', url: `/api/stats/time?${qs}` });
        expect(res.statusCode).toBe(400);
        expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
      });
    });
  });
}
