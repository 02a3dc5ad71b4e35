import { describe, expect, it } from 'vitest';
import { asOfText, prioritiesHtml, slidesOf, stepAgenda } from '../../../../client/features/meetings/meetings.view.ts';
import type { Priority } from '../../../../client/features/meetings/meetings.api.ts';

// What every priority from the server carries besides the fields under test.
const stamp = { municipality: '0999', published: false, created_at: '2026-01-01T08:00:00.000Z', updated_at: '2026-01-01T08:00:00.000Z' };

describe('meeting presentation', () => {
  it('has an overview, one slide per district and the priorities', () => {
    expect(slidesOf(2).map((s) => s.kind)).toEqual(['overview', 'district', 'district', 'priorities']);
  });

  it('steps forward with → ↓ PageDown and space, back with ← ↑ PageUp, and stops at the ends', () => {
    for (const key of ['ArrowRight', 'ArrowDown', 'PageDown', ' ']) expect(stepAgenda(1, key, 4)).toBe(2);
    for (const key of ['ArrowLeft', 'ArrowUp', 'PageUp']) expect(stepAgenda(1, key, 4)).toBe(0);
    expect(stepAgenda(3, 'ArrowRight', 4)).toBe(3);
    expect(stepAgenda(0, 'ArrowLeft', 4)).toBe(0);
    expect(stepAgenda(2, 'Home', 4)).toBe(0);
    expect(stepAgenda(0, 'End', 4)).toBe(3);
    expect(stepAgenda(0, 'x', 4)).toBeNull();
  });

  it('says "as of" the cut-off once closed, and that numbers are live while open', () => {
    expect(asOfText('2026-05-01T10:00:00Z', true, 'sv')).toMatch(/^Läge per .*2026/);
    expect(asOfText(null, false, 'en')).toBe('Current numbers (the meeting is open)');
  });

  it('escapes what people typed into a priority', () => {
    const p: Priority = { ...stamp, id: 1, meeting: 1, council: 1, problem: '<script>x</script>', focus_area: null, place: null, district_ids: [], rationale: null, owner: 'A & B', due_date: null, status: 'decided', editable: true };
    const html = prioritiesHtml([p], 'sv');
    expect(html).not.toContain('<script>');
    expect(html).toContain('A &amp; B');
    expect(html).toContain('beslutad');
  });
});

describe('priorities table', () => {
  it('names the focus area and offers an edit button only on editable rows of an editable meeting', () => {
    const p: Priority = { ...stamp, id: 4, meeting: 1, council: 1, problem: 'P', focus_area: 'offentliga_miljoer', place: null, district_ids: [], rationale: null, owner: 'O', due_date: null, status: 'proposed', editable: true };
    const names = new Map([['offentliga_miljoer', 'Offentliga miljöer']]);
    const html = prioritiesHtml([p, { ...p, id: 5, editable: false }], 'sv', true, names);
    expect(html).toContain('<td>Offentliga miljöer</td>');
    expect(html.match(/data-action="edit-priority"/g)).toHaveLength(1);
    expect(html).toContain('data-id="4"');
    expect(prioritiesHtml([p], 'sv')).not.toContain('edit-priority');
  });
});
