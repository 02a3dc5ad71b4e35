import { describe, expect, it } from 'vitest';
import type { CitizenPromise, PromiseDraft } from '../../../../client/features/citizen-promises/citizen-promises.api.ts';
import {
  addRow, allowedTransitions, applyField, areaOfSelection, bodyOfForm, createPromiseStore, EMPTY_SELECTION, formErrors, formFromDraft, formFromPromise,
  HOTSPOT_CELL_M, isEditable, removeRow, toggleCell, toggleDistrict, withMode,
} from '../../../../client/features/citizen-promises/citizen-promises.state.ts';

const draft = (): PromiseDraft => ({
  municipality: '0999', title: 'Medborgarlöfte för området 2027', area: { district_ids: [], geometry: { type: 'MultiPolygon', coordinates: [] } },
  period_start: '2027-01-01', period_end: '2028-01-01', problems: ['Misshandel är vanligare i området.'],
  commitments: [{ actor: 'police', text: '', responsible: 'Lokalpolisområdet' }, { actor: 'municipality', text: '', responsible: 'Kommunstyrelsen' }],
  indicators: [
    { key: 'misshandel', label: 'Anmälda händelser: Misshandel', baseline: 19, baseline_from: '2026-01-01', baseline_to: '2027-01-01', target: 17 },
    { key: 'survey:otrygg', label: 'Andel otrygga', baseline: 0.31, baseline_from: null, baseline_to: null, target: 0.26 },
  ],
  evidence: { period: { from: '2025-12-01', to: '2026-12-01' }, previous_period: { from: '2024-12-01', to: '2025-12-01' }, area_m2: 1, area_share: 0.01, suppressed: false, categories: [], survey: null },
});

const saved = (o: Partial<CitizenPromise> = {}): CitizenPromise => ({
  id: 7, municipality: '0999', title: 'Tryggare Centrum', area: { district_ids: [3, 4], geometry: null }, period_start: '2026-03-01', period_end: '2027-03-01',
  problems: ['p'], commitments: [{ actor: 'police', text: 'Patrullera', responsible: null }], indicators: [], status: 'draft',
  agreed_at: null, published_at: null, followed_up_at: null, created_at: '2026-02-01T10:00:00Z', updated_at: '2026-02-01T10:00:00Z', ...o,
});

describe('selection on the map', () => {
  it('toggles a hotspot cell on and off again', () => {
    const one = toggleCell(withMode(EMPTY_SELECTION, 'hotspots'), { i: 4, j: -2 });
    expect(one.cells).toEqual([{ i: 4, j: -2 }]);
    expect(toggleCell(one, { i: 4, j: -2 }).cells).toEqual([]);
    expect(toggleCell(one, { i: -2, j: 4 }).cells).toHaveLength(2);
  });

  it('toggles districts by id', () => {
    const sel = toggleDistrict(toggleDistrict(withMode(EMPTY_SELECTION, 'districts'), 5), 9);
    expect(sel.districtIds).toEqual([5, 9]);
    expect(toggleDistrict(sel, 5).districtIds).toEqual([9]);
  });

  it('starts a different kind of area empty, but keeps the selection when the mode stays', () => {
    const cells = toggleCell(withMode(EMPTY_SELECTION, 'hotspots'), { i: 1, j: 1 });
    expect(withMode(cells, 'hotspots')).toBe(cells);
    expect(withMode(cells, 'districts')).toEqual({ ...EMPTY_SELECTION, mode: 'districts' });
  });

  it('gives the draft route exactly one kind of area, or null when nothing is picked', () => {
    expect(areaOfSelection(withMode(EMPTY_SELECTION, 'hotspots'))).toBeNull();
    expect(areaOfSelection(EMPTY_SELECTION)).toBeNull();
    expect(areaOfSelection(toggleCell(withMode(EMPTY_SELECTION, 'hotspots'), { i: 1, j: 2 }))).toEqual({ hotspot_cells: [{ i: 1, j: 2 }], cell_m: HOTSPOT_CELL_M });
    expect(areaOfSelection(toggleDistrict(withMode(EMPTY_SELECTION, 'districts'), 3))).toEqual({ district_ids: [3] });
    const drawn = { type: 'Polygon' as const, coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] };
    expect(areaOfSelection({ ...withMode(EMPTY_SELECTION, 'draw'), drawn })).toEqual({ geometry: drawn });
  });
});

describe('status buttons', () => {
  it('lets editors move forward, back from agreed to draft, and never back from published', () => {
    expect(allowedTransitions('draft', 'police')).toEqual(['agreed']);
    expect(allowedTransitions('agreed', 'analyst')).toEqual(['draft', 'published']);
    expect(allowedTransitions('published', 'police')).toEqual(['followed_up']);
    expect(allowedTransitions('followed_up', 'police')).toEqual([]);
  });

  it('gives readers no buttons at all', () => {
    for (const role of ['public', 'council', 'planner', 'admin']) expect(allowedTransitions('agreed', role)).toEqual([]);
  });

  it('allows editing content only while draft or agreed', () => {
    expect([isEditable('draft'), isEditable('agreed'), isEditable('published'), isEditable('followed_up')]).toEqual([true, true, false, false]);
  });
});

describe('the promise form', () => {
  it('keeps the picked area and the server baselines of a draft', () => {
    const f = formFromDraft(draft(), { hotspot_cells: [{ i: 1, j: 1 }], cell_m: 200 });
    expect(f.id).toBeNull();
    expect(f.area).toEqual({ hotspot_cells: [{ i: 1, j: 1 }], cell_m: 200 });
    expect(f.indicators[0].baseline).toBe(19);
  });

  it('edits a commitment, its office and a target by input name', () => {
    let f = formFromDraft(draft(), { district_ids: [1] });
    f = applyField(f, 'commitments.0.text', 'Vi patrullerar');
    f = applyField(f, 'commitments.1.responsible', 'Tekniska nämnden');
    f = applyField(f, 'commitments.1.actor', 'police');
    f = applyField(f, 'indicators.0.target', '12');
    expect(f.commitments[0]).toEqual({ actor: 'police', text: 'Vi patrullerar', responsible: 'Lokalpolisområdet' });
    expect(f.commitments[1]).toEqual({ actor: 'police', text: '', responsible: 'Tekniska nämnden' });
    expect(f.indicators[0].target).toBe(12);
  });

  it('takes survey targets in per cent (decimal comma too) and stores shares', () => {
    const f = applyField(formFromDraft(draft(), { district_ids: [1] }), 'indicators.1.target', '24,5');
    expect(f.indicators[1].target).toBeCloseTo(0.245, 6);
  });

  it('ignores unknown actors, negative or non-numeric targets and rows that do not exist', () => {
    const f = formFromDraft(draft(), { district_ids: [1] });
    expect(applyField(f, 'commitments.0.actor', 'army')).toBe(f);
    expect(applyField(f, 'indicators.0.target', '-3')).toBe(f);
    expect(applyField(f, 'indicators.0.target', 'abc')).toBe(f);
    expect(applyField(f, 'problems.9', 'x')).toBe(f);
    expect(applyField(f, 'internal_notes', 'x')).toBe(f);
  });

  it('clears a target with an empty input', () => {
    expect(applyField(formFromDraft(draft(), { district_ids: [1] }), 'indicators.0.target', '').indicators[0].target).toBeNull();
  });

  it('adds and removes rows; an indicator only once', () => {
    let f = formFromDraft(draft(), { district_ids: [1] });
    f = addRow(addRow(f, 'problems'), 'commitments');
    expect(f.problems).toHaveLength(2);
    expect(f.commitments[2]).toEqual({ actor: 'municipality', text: '', responsible: null });
    expect(addRow(f, 'indicators', 'misshandel')).toBe(f);
    f = addRow(f, 'indicators', 'klotter', 'Klotter');
    expect(f.indicators.map((i) => i.key)).toEqual(['misshandel', 'survey:otrygg', 'klotter']);
    expect(removeRow(f, 'indicators', 0).indicators.map((i) => i.key)).toEqual(['survey:otrygg', 'klotter']);
  });

  it('says what is wrong before saving: an empty title, a period that ends before it starts', () => {
    const f = formFromDraft(draft(), { district_ids: [1] });
    expect(formErrors(f)).toEqual([]);
    expect(formErrors({ ...f, title: '  ', period_end: '2026-12-31' }).map((e) => e.field)).toEqual(['title', 'period_end']);
  });

  it('saves without empty rows and without baselines, so the server computes them for the saved area and period', () => {
    const f = applyField(formFromDraft(draft(), { hotspot_cells: [{ i: 1, j: 1 }], cell_m: 200 }), 'commitments.0.text', '  Vi patrullerar ');
    const body = bodyOfForm(addRow(f, 'problems'), '0999');
    expect(body.commitments).toEqual([{ actor: 'police', text: 'Vi patrullerar', responsible: 'Lokalpolisområdet' }]);
    expect(body.problems).toEqual(['Misshandel är vanligare i området.']);
    expect(body.indicators).toEqual([{ key: 'misshandel', label: 'Anmälda händelser: Misshandel', target: 17 }, { key: 'survey:otrygg', label: 'Andel otrygga', target: 0.26 }]);
    expect(body.area).toEqual({ hotspot_cells: [{ i: 1, j: 1 }], cell_m: 200 });
    expect(body.municipality).toBe('0999');
  });

  it('reopens a saved promise with its districts, or its polygon when it has none', () => {
    expect(formFromPromise(saved()).area).toEqual({ district_ids: [3, 4] });
    const geometry = { type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]]] };
    expect(formFromPromise(saved({ area: { district_ids: [], geometry } })).area).toEqual({ geometry });
  });
});

describe('the store', () => {
  it('tells its listeners about every change', () => {
    const store = createPromiseStore();
    let calls = 0;
    store.subscribe(() => { calls += 1; });
    store.update({ revision: store.revision + 1 });
    store.update({ selection: toggleCell(withMode(store.selection, 'hotspots'), { i: 0, j: 0 }) });
    expect(calls).toBe(2);
    expect(store.revision).toBe(1);
    expect(store.selection.cells).toHaveLength(1);
  });
});
