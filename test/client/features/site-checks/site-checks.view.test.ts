import { describe, expect, it } from 'vitest';
import type { SiteReport } from '../../../../client/features/site-checks/site-checks.api.ts';
import { areaText, countText, renderSavedList, renderSiteReport } from '../../../../client/features/site-checks/site-checks.view.ts';

type Zone = SiteReport['incidents']['zones'][number]['zone'];
const zone = (z: Zone, d: number, count: number | null, extra: Partial<SiteReport['incidents']['categories'][number]['zones'][number]> = {}): SiteReport['incidents']['categories'][number]['zones'][number] =>
  ({ zone: z, distance_m: d, count, suppression: count === null ? 'small' : null, expected: 1.5, ratio: null, direction: count === null ? null : 'higher', p_value: 0.01, significant: true, ...extra });

const report: SiteReport = {
  id: 3, name: 'Kvarteret <Lärkan>', saved_at: '2026-12-01T10:00:00Z', recomputed: false, municipality: '0999',
  period: { from: '2025-01-01', to: '2026-01-01' }, buffer_m: 0, area_m2: 12_500, suppressed: true,
  site: { type: 'Polygon', coordinates: [] }, categories: ['klotter'], viewer_role: 'planner', method: 'exact binomial test',
  incidents: {
    municipality_area_m2: 50_000_000,
    zones: [{ zone: 'site', distance_m: 0, area_m2: 12_500, area_in_municipality_m2: 12_500 }, { zone: 'within_100', distance_m: 100, area_m2: 50_000, area_in_municipality_m2: 50_000 }],
    totals: [{ zone: 'site', count: 10, suppression: null }, { zone: 'within_100', count: 15, suppression: null }],
    categories: [{ category: 'klotter', name_sv: 'Klotter', name_en: 'Graffiti', police_initiated: false, municipality_count: 40, zones: [zone('site', 0, null), zone('within_100', 100, 10)] }],
  },
  time: {
    zone: 'within_100', distance_m: 100, time_zone: 'Europe/Stockholm', total: 15, weekdays: [], by_weekday: [0, 0, 0, 0, 5, 10, null],
    by_time_of_day: [{ key: 'natt', hours: '22–06', count: 10 }], weekday_hour: [],
  },
  survey_marks: { zone: 'within_250', distance_m: 250, total: 2, inside_site: 1, by_reason: [{ reason: 'belysning', count: 2 }], by_time_of_day: [{ time_of_day: 'kvall', count: 2 }] },
  hotspots: { cell_m: 200, band_m: 600, within_m: 500, method: 'Gi*', cells: [] },
  checklist: [
    { key: 'lighting', title_sv: 'Belysning', title_en: 'Lighting', advice_sv: 'Jämn belysning', raised: true, evidence: [{ source: 'survey_marks', detail: '2 markeringar anger dålig belysning' }] },
    { key: 'maintenance', title_sv: 'Skötsel och underhåll', title_en: 'Maintenance', advice_sv: 'x', raised: false, evidence: [] },
  ],
  notes: [],
};

describe('site report view', () => {
  it('shows suppressed counts as <5 and complementary ones as –', () => {
    expect(countText(null, 'small')).toBe('&lt;5');
    expect(countText(null, 'complementary')).toBe('–');
    expect(countText(7, null)).toBe('7');
  });

  it('gives areas in m² below a hectare and in hectares above', () => {
    expect(areaText(950)).toMatch(/^950 m²$/);
    expect(areaText(25_000)).toBe('2,5 ha');
  });

  it('renders the counts, the comparison, the checklist with its evidence, and escapes names', () => {
    const html = renderSiteReport(report);
    expect(html).toContain('Kvarteret &lt;Lärkan&gt;');
    expect(html).not.toContain('<Lärkan>');
    expect(html).toContain('&lt;5');
    expect(html).toContain('högre *');
    expect(html).toContain('⚠ Belysning');
    expect(html).toContain('2 markeringar anger dålig belysning');
    expect(html).toContain('✓ Skötsel och underhåll');
  });

  it('renders the report in English: headings, zones, comparison words and category names', () => {
    const html = renderSiteReport(report, 'en');
    expect(html).toContain('Graffiti');
    expect(html).toContain('higher *');
    expect(html).toContain('The site');
    expect(html).toContain('Checklist (CPTED / BoTryggt 2030)');
    expect(html).toContain('⚠ Lighting');
    expect(html).not.toContain('Checklista');
  });

  it('names the saved checks, or says there are none, in the language', () => {
    expect(renderSavedList([], 'en')).toContain('No saved site checks.');
    expect(renderSavedList([], 'sv')).toContain('Inga sparade platskontroller.');
  });
});
