import { describe, expect, it } from 'vitest';
import type { ReportContent } from '../../../../client/features/reports/reports.api.ts';
import { defaultYear, peakHours, previewSectionsHtml, reportPageHtml, reportRouteOf, versionsHtml, yearChoices } from '../../../../client/features/reports/reports.view.ts';

// What every district row of a report carries besides the numbers under test.
const district = { kind: 'stadsdel', parent_id: null, population: 2000, p_value: null, suppression: null } as const;

function content(overrides: Partial<ReportContent> = {}): ReportContent {
  const weekdayHour = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0 as number | null));
  weekdayHour[4][22] = 9;
  weekdayHour[5][22] = 4;
  weekdayHour[5][23] = 7;
  weekdayHour[0][8] = null;
  return {
    municipality: '0999', year: 2025, period: { from: '2025-01-01', to: '2026-01-01' }, comparison: { compare: 'previous', from: '2024-01-01', to: '2025-01-01' },
    data_cutoff_at: '2025-12-31T22:00:00.000Z', filters: { categories: ['stold'], sources: 'alla', role: 'council', level: 'stadsdel' },
    kartlaggning: {
      districts: [
        { ...district, id: 1, name: 'Åby <centrum>', count: 25, rate_per_1000: 12.5, previous_count: 10, change_pct: 150, change_significant: true, suppressed: false },
        { ...district, id: 2, name: 'Örby', suppression: 'small', count: null, rate_per_1000: null, previous_count: null, change_pct: null, change_significant: null, suppressed: true },
      ],
      unlocated: 5, monthly: [{ month: '2025-01', count: 10 }, { month: '2025-02', count: null }], weekday_hour: weekdayHour, police_initiated_note: [],
      arshjul: { months: [1, 2], categories: [{ code: 'stold', name_sv: 'Stöld', counts: [10, null] }] },
    },
    analys: { hotspots: { cell_m: 250, hot: 3, cold: 1, cells: 120 }, survey: null },
    sources: { used: ['police'], left_out: ['housing'] },
    atgardsplan: { priorities: [{ title: 'Belysning', owner: 'Tekniska nämnden', due_date: '2026-06-30', rationale: null, status: 'decided' }], actions: [] },
    map: { level: 'stadsdel', districts: [] }, categories: [{ code: 'stold', sv: 'Stöld' }],
    ...overrides,
  };
}

describe('annual report view', () => {
  it('offers this year and the nine before, and defaults to the last whole year', () => {
    const now = new Date('2026-03-01T12:00:00Z');
    expect(yearChoices(now)).toEqual([2026, 2025, 2024, 2023, 2022, 2021, 2020, 2019, 2018, 2017]);
    expect(defaultYear(now)).toBe(2025);
  });

  it('reads #report and #report/<year> and ignores other hashes', () => {
    expect(reportRouteOf('#report')).toEqual({ year: null });
    expect(reportRouteOf('#report/2024')).toEqual({ year: 2024 });
    expect(reportRouteOf('#report/20x4')).toEqual({ year: null });
    expect(reportRouteOf('#meetings')).toBeNull();
  });

  it('finds the peak hours over all weekdays, treating suppressed cells as zero', () => {
    expect(peakHours(content().kartlaggning.weekday_hour)).toEqual([22, 23]);
  });

  it('names genders and shows suppressed counts as <5, escaping district names', () => {
    const html = previewSectionsHtml(content(), 'sv');
    expect(html).toContain('Åby &lt;centrum&gt;');
    expect(html).not.toContain('<centrum>');
    expect(html).toMatch(/data-district="2"><td>Örby<\/td><td class="n" data-part="count">&lt;5<\/td>/);
    expect(html).toContain('+150 % *');
  });

  it('says in Swedish what the role leaves out, and in English when asked', () => {
    const none = content({ analys: { hotspots: null, survey: null } });
    expect(previewSectionsHtml(none, 'sv')).toContain('Hotspotceller ingår inte för din roll.');
    expect(previewSectionsHtml(none, 'en')).toContain('Hotspot cells are not included for your role.');
    expect(previewSectionsHtml(content(), 'sv')).toContain('3 heta och 1 kalla celler av 120 (250 m hexagoner)');
  });

  it('keeps the drafted texts in the editor, escaped', () => {
    const html = reportPageHtml(2025, { introduction: 'Inledning </textarea><script>x</script>', conclusion: '' }, 'sv', new Date('2026-01-10T00:00:00Z'));
    expect(html).toContain('Inledning &lt;/textarea&gt;&lt;script&gt;x&lt;/script&gt;</textarea>');
    expect(html).toContain('<option value="2025" selected>');
  });

  it('lists versions with a PDF button and a printable link each', () => {
    const html = versionsHtml([{ id: 7, year: 2025, version: 2, data_cutoff_at: '2025-12-31T00:00:00Z', created_by: 'ana@kommun.se', created_at: '2026-01-05T09:00:00Z' }], 'sv');
    expect(html).toContain('data-action="pdf" data-id="7"');
    expect(html).toContain('href="/api/reports/7?format=html"');
    expect(html).toContain('Version 2');
    expect(versionsHtml([], 'en')).toContain('No published versions');
  });
});
