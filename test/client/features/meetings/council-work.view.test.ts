import { describe, expect, it } from 'vitest';
import { actionFormHtml, actionsOfMeeting, councilFormHtml, followUpHtml, indicatorLabel, isOpenAction } from '../../../../client/features/meetings/council-work.view.ts';
import type { Action, ActionWithFollowUp, Council } from '../../../../client/features/meetings/meetings.api.ts';

const action = (over: Partial<Action>): Action => ({
  id: 1, municipality: '0999', title: 'Belysning', description: null, area: { district_ids: [5] }, responsible: 'Gatukontoret',
  start_date: '2026-01-01', end_date: null, status: 'ongoing', priority_id: null, promise_id: null, indicators: [],
  created_at: '2026-01-01T08:00:00.000Z', updated_at: '2026-01-01T08:00:00.000Z', ...over,
});

describe('council work views', () => {
  it('puts on a meeting\'s page the actions in its districts or linked to its priorities, not others', () => {
    const mine = action({ id: 1, area: { district_ids: [5, 6] } });
    const linked = action({ id: 2, area: { district_ids: [9] }, priority_id: 40 });
    const drawn = action({ id: 3, area: { geometry: { type: 'Polygon', coordinates: [] } } });
    const elsewhere = action({ id: 4, area: { district_ids: [9] }, priority_id: 41 });
    expect(actionsOfMeeting([mine, linked, drawn, elsewhere], [6, 7], [40]).map((a) => a.id)).toEqual([1, 2]);
  });

  it('follows up planned and ongoing actions only', () => {
    expect(['planned', 'ongoing', 'done', 'cancelled'].map((status) => isOpenAction({ status }))).toEqual([true, true, false, false]);
  });

  it('fills the council form for editing, ticks its districts and members, and escapes names', () => {
    const council: Council = { id: 3, municipality: '0999', name: 'Rådet <Norr> & co', level: 'coordinating', district_ids: [2], member_ids: [8],
      created_at: '2026-01-01T08:00:00.000Z', updated_at: '2026-01-01T08:00:00.000Z' };
    const html = councilFormHtml(council, [{ id: 1, name: 'A', kind: 'stadsdel' }, { id: 2, name: 'B', kind: 'stadsdel' }], [{ id: 8, name: 'Eva', role: 'council' }], 'sv');
    expect(html).toContain('value="Rådet &lt;Norr&gt; &amp; co"');
    expect(html).toContain('<option value="coordinating" selected>');
    expect(html).toMatch(/name="district_ids" value="2" checked/);
    expect(html).not.toMatch(/name="district_ids" value="1" checked/);
    expect(html).toMatch(/name="member_ids" value="8" checked> Eva \(rådsledamot\)/);
    expect(html).toContain('Redigera rådet');
  });

  it('offers survey shares and categories as indicators, keeping an action\'s choices selected', () => {
    const html = actionFormHtml(action({ indicators: [{ key: 'otrygg' }, { key: 'stold' }], priority_id: 7 }), [{ id: 5, name: 'Norr' }], [{ id: 7, problem: 'P', owner: 'O' } as never], '2026-12-02', 'sv');
    expect(html).toContain('<option value="otrygg" selected>');
    expect(html).toContain('<option value="stold" selected>Stöld</option>');
    expect(html).toContain('<option value="7" selected>P</option>');
    expect(html).toMatch(/value="5" checked> Norr/);
    // A district of the action outside the agenda is kept on save.
    expect(actionFormHtml(action({ area: { district_ids: [5, 9] } }), [{ id: 5, name: 'Norr' }], [], '2026-12-02', 'sv')).toContain('<input type="hidden" name="district_ids" value="9">');
  });

  it('shows each indicator before and after with the change, or the note when too little is known', () => {
    const a: ActionWithFollowUp = {
      ...action({}),
      follow_up_periods: { before: { from: '2025-01-01', to: '2026-01-01' }, after: { from: '2026-01-01', to: '2027-01-01' }, days: 365, min_after_days: 90 },
      follow_up_surveys: { before: { id: 1, name: 'Trygghetsmätning 2025' }, after: { id: 2, name: 'Trygghetsmätning 2026' } },
      follow_up: [
        { key: 'stold', kind: 'category', before: 40, after: 20, change_pct: -50, p_value: 0.01, significant: true, note: null },
        { key: 'otrygg', kind: 'survey_share', before: 0.3, after: 0.2, change_pct: null, p_value: null, significant: false, note: 'too few answers', difference: { value: -0.1, low: -0.2, high: 0 } },
      ],
    };
    const html = followUpHtml([a], 'sv');
    expect(html).toMatch(/<th scope="row">Stöld<\/th>\s*<td>40<\/td><td>20<\/td>/);
    expect(html).toContain('statistiskt säkerställd');
    expect(html).toContain('30 %');
    expect(html).toContain('too few answers');
    expect(indicatorLabel('otrygg', 'en')).toBe('share unsafe in the evening');
    expect(followUpHtml([], 'sv')).toContain('Inga pågående eller planerade insatser');
  });
});
