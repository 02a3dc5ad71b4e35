import { describe, expect, it } from 'vitest';
import { trendHtml } from '../../../client/features/districts/districts.panel.ts';
import { normaliseTimePatterns } from '../../../client/features/time-patterns/time-patterns.api.ts';

const answer = (period: { from: string; to: string } | undefined, months: [string, number][]) => normaliseTimePatterns({
  period, weekday_hour: [], monthly: months.map(([month, count]) => ({ month, count })), arshjul: { months: [], categories: [] },
});

describe('monthly trend and partial months', () => {
  it('leaves out the partial first and last months of a rolling period and says which', () => {
    // last12 on 2 Dec 2026: [2025-12-03, 2026-12-03): December 2025 and December 2026 are partial.
    const time = answer({ from: '2025-12-03', to: '2026-12-03' }, [['2025-12', 80], ['2026-01', 100], ['2026-11', 110], ['2026-12', 1]]);
    const html = trendHtml(time, 'sv');
    expect(html).toContain('2026-01 – 2026-11');
    expect(html).toContain('2026-11: <strong>110</strong>');
    expect(html).not.toContain('<strong>1</strong>');
    expect(html).toMatch(/data-part="partial-months">Ofullständiga månader utelämnade[^<]*: 2025-12, 2026-12/);
    // The sparkline has one point per complete month.
    expect(html.match(/<circle/g)?.length ?? 0).toBeLessThanOrEqual(1);
  });

  it('keeps every month of a period of whole months and adds no note', () => {
    const html = trendHtml(answer({ from: '2026-01-01', to: '2026-03-01' }, [['2026-01', 5], ['2026-02', 7]]), 'en');
    expect(html).toContain('2026-01 – 2026-02');
    expect(html).not.toContain('partial-months');
  });

  it('says so when the period holds no complete month', () => {
    const html = trendHtml(answer({ from: '2026-11-20', to: '2026-12-03' }, [['2026-11', 5], ['2026-12', 1]]), 'en');
    expect(html).toContain('No incidents');
    expect(html).toContain('Incomplete months left out');
  });
});
