import { describe, expect, it } from 'vitest';
import type { CitizenPromise, FollowUp } from '../../../../client/features/citizen-promises/citizen-promises.api.ts';
import { citizenPromisesFeature, promiseLegend, type PromisesData } from '../../../../client/features/citizen-promises/citizen-promises.feature.ts';
import { promiseAreaFeatures, promiseLabels, selectionLayers } from '../../../../client/features/citizen-promises/citizen-promises.layers.ts';
import { EMPTY_SELECTION, toggleCell, withMode } from '../../../../client/features/citizen-promises/citizen-promises.state.ts';
import {
  indicatorOptionsOf, indicatorValueText, renderEditor, renderFollowUp, renderPicker, renderPromise, renderPromiseList, selectionText, targetInputValue,
} from '../../../../client/features/citizen-promises/citizen-promises.view.ts';
import { formFromPromise } from '../../../../client/features/citizen-promises/citizen-promises.state.ts';

const promise = (o: Partial<CitizenPromise> = {}): CitizenPromise => ({
  id: 7, municipality: '0999', title: 'Tryggare <Centrum>', area: { district_ids: [3], geometry: null }, period_start: '2026-03-01', period_end: '2027-03-01',
  problems: ['Rån ökar'], commitments: [{ actor: 'municipality', text: 'Bättre belysning', responsible: 'Tekniska nämnden' }],
  indicators: [{ key: 'ran', label: 'Anmälda händelser: Rån', baseline: 20, baseline_from: '2025-03-01', baseline_to: '2026-03-01', target: 15 }],
  status: 'published', agreed_at: '2026-02-10T09:00:00Z', published_at: '2026-02-20T09:00:00Z', followed_up_at: null,
  created_at: '2026-02-01T10:00:00Z', updated_at: '2026-02-20T09:00:00Z',
  history: [
    { from_status: 'draft', to_status: 'agreed', actor: 'police@demo', role: 'police', at: '2026-02-10T09:00:00Z' },
    { from_status: 'agreed', to_status: 'published', actor: 'analyst@demo', role: 'analyst', at: '2026-02-20T09:00:00Z' },
  ],
  ...o,
});

const followUp = (o: Partial<FollowUp> = {}): FollowUp => ({
  key: 'ran', label: 'Anmälda händelser: Rån', kind: 'incident_count', before: 20, after: 9, before_period: { from: '2025-06-01', to: '2026-03-01' },
  after_period: { from: '2026-03-01', to: '2026-12-01' }, change_pct: -55, p_value: 0.043, significant: true, baseline: 20, target: 15, projected: 12,
  target_met: true, note: 'Perioden pågår', ...o,
});

describe('indicator values', () => {
  it('shows survey shares in per cent and counts as numbers; missing as –', () => {
    expect(indicatorValueText('survey:otrygg', 0.314, 'sv')).toBe('31 %');
    expect(indicatorValueText('ran', 12, 'sv')).toBe('12');
    expect(indicatorValueText('ran', 12.5, 'en')).toBe('12.5');
    expect(indicatorValueText('ran', null, 'sv')).toBe('–');
  });

  it('puts survey targets into the input in per cent', () => {
    expect(targetInputValue('survey:otrygg', 0.245)).toBe('24.5');
    expect(targetInputValue('ran', 15)).toBe('15');
    expect(targetInputValue('ran', null)).toBe('');
  });
});

describe('promise list', () => {
  it('lists promises with their status and escapes titles', () => {
    const html = renderPromiseList([promise()], 'public', 'sv');
    expect(html).toContain('Tryggare &lt;Centrum&gt;');
    expect(html).toContain('data-status="published"');
    expect(html).toContain('Publicerat');
    expect(html).not.toContain('data-action="new"');
  });

  it('offers editors a new draft, in English too', () => {
    expect(renderPromiseList([], 'analyst', 'en')).toContain('New draft from the evidence');
    expect(renderPromiseList([], 'analyst', 'sv')).toContain('Inga medborgarlöften ännu.');
  });
});

describe('promise view', () => {
  it('offers no way back to draft and no editing once published', () => {
    const html = renderPromise(promise(), 'police', 'sv');
    expect(html).toContain('data-status-to="followed_up"');
    expect(html).not.toContain('data-status-to="draft"');
    expect(html).not.toContain('data-action="edit"');
  });

  it('offers agreed promises both ways, and editing', () => {
    const html = renderPromise(promise({ status: 'agreed' }), 'analyst', 'sv');
    expect(html).toContain('data-status-to="draft"');
    expect(html).toContain('data-status-to="published"');
    expect(html).toContain('data-action="edit"');
  });

  it('gives readers no buttons', () => {
    const html = renderPromise(promise({ status: 'agreed' }), 'council', 'sv');
    expect(html).not.toContain('data-status-to');
    expect(html).not.toContain('data-action="edit"');
  });

  it('says who moved it and when', () => {
    const html = renderPromise(promise(), 'police', 'sv');
    expect(html).toContain('Publicerat 2026-02-20');
    expect(html).toMatch(/Överenskommet → Publicerat\s*<span class="muted">av analyst@demo \(analyst\)/);
  });

  it('names the actor and responsible office of each commitment', () => {
    expect(renderPromise(promise(), 'public', 'en')).toContain('<strong>Municipality:</strong> Bättre belysning <span class="muted">(Tekniska nämnden)</span>');
  });
});

describe('follow-up', () => {
  it('shows before, after, change with its significance, and whether the target is met', () => {
    const html = renderFollowUp([followUp()], 'sv');
    expect(html).toContain('data-follow-up="ran"');
    expect(html).toContain('−55 %');
    expect(html).toContain('signifikant (p = 0,043)');
    expect(html).toContain('Mål nått');
    expect(html).toContain('Perioden pågår');
  });

  it('says when the target is not met and the change is not significant', () => {
    const html = renderFollowUp([followUp({ significant: false, target_met: false, note: null })], 'en');
    expect(html).toContain('not significant');
    expect(html).toContain('Target not met');
  });

  it('names the compared periods once, and none while the promise period has not begun', () => {
    expect(renderFollowUp([followUp()], 'sv')).toContain('data-role="follow-up-periods"');
    const notBegun = followUp({ before: null, after: null, before_period: { from: '2027-01-01', to: '2027-01-01' }, after_period: { from: '2027-01-01', to: '2026-12-02' } });
    expect(renderFollowUp([notBegun], 'sv')).not.toContain('data-role="follow-up-periods"');
  });

  it('says when there is nothing to follow up yet', () => {
    expect(renderFollowUp(undefined, 'sv')).toContain('Ingen uppföljning ännu.');
  });
});

describe('editor and picker', () => {
  it('renders inputs named by the paths applyField reads, with server baselines read-only', () => {
    const html = renderEditor(formFromPromise(promise({ status: 'draft' })), 'sv', [{ key: 'ran', label: 'Rån' }, { key: 'klotter', label: 'Klotter' }]);
    expect(html).toContain('name="commitments.0.text"');
    expect(html).toContain('name="commitments.0.responsible" value="Tekniska nämnden"');
    expect(html).toContain('name="indicators.0.target" value="15"');
    expect(html).not.toContain('name="indicators.0.baseline"');
    // Indicators already in the promise are not offered again.
    expect(html).toContain('<option value="klotter">');
    expect(html).not.toContain('<option value="ran">');
  });

  it('enables proposing only once something is picked', () => {
    const empty = renderPicker(withMode(EMPTY_SELECTION, 'hotspots'), { start: '2027-01-01', end: '2028-01-01' }, 'sv');
    expect(empty).toMatch(/data-action="propose" disabled/);
    const picked = toggleCell(withMode(EMPTY_SELECTION, 'hotspots'), { i: 1, j: 1 });
    expect(renderPicker(picked, { start: '2027-01-01', end: '2028-01-01' }, 'sv')).not.toMatch(/data-action="propose" disabled/);
    expect(selectionText(picked, 'sv')).toBe('1 valda rutor');
  });

  it('offers the categories the viewer may see and the survey shares', () => {
    const cats = [{ code: 'ran', name_sv: 'Rån', name_en: 'Robbery' }, { code: 'sexualbrott', name_sv: 'Sexualbrott', name_en: 'Sexual offences' }];
    expect(indicatorOptionsOf(cats, new Set(['ran']), 'en').map((o) => o.key)).toEqual(['ran', 'survey:otrygg', 'survey:avstar_aktivitet', 'survey:oro_brott']);
    expect(indicatorOptionsOf(cats, null, 'sv')).toHaveLength(5);
  });
});

describe('map layer', () => {
  const districts = { features: [3, 4].map((id) => ({ type: 'Feature' as const, geometry: { type: 'Polygon', coordinates: [[[id, 0], [id + 1, 0], [id + 1, 1], [id, 0]]] }, properties: { id } })) };

  it('draws a promise by its polygon, or by its districts', () => {
    const geometry = { type: 'MultiPolygon', coordinates: [] };
    const features = promiseAreaFeatures([promise(), promise({ id: 8, area: { district_ids: [], geometry } })], districts);
    expect(features.map((f) => [f.properties.id, f.geometry.type])).toEqual([[7, 'Polygon'], [8, 'MultiPolygon']]);
  });

  it('stacks the titles of promises whose labels would overlap, and leaves apart ones where they are', () => {
    const area = (id: number, x: number) => ({ type: 'Feature' as const, geometry: { type: 'Polygon', coordinates: [[[x, 57], [x + 0.01, 57], [x + 0.01, 57.01], [x, 57]]] }, properties: { id, status: 'published' as const, title: `Löfte ${id}` } });
    const near = promiseLabels([area(1, 15), area(2, 15.001)], 14);
    expect(near.map((l) => l.offset[1])).toEqual([20, 36]);
    const far = promiseLabels([area(1, 15), area(2, 15.2)], 14);
    expect(far.map((l) => l.offset[1])).toEqual([20, 20]);
  });

  it('has a clickable pick layer only while picking cells or districts', () => {
    const cells = [{ type: 'Feature' as const, geometry: { type: 'Polygon', coordinates: [] }, properties: { i: 1, j: 2 } }];
    expect(selectionLayers(EMPTY_SELECTION, { cells, districts: districts.features }, () => undefined)).toEqual([]);
    const layers = selectionLayers(withMode(EMPTY_SELECTION, 'hotspots'), { cells, districts: districts.features }, () => undefined);
    expect(layers.map((l) => [l.id, l.props.pickable])).toEqual([['citizen-promises-pick', true]]);
  });

  it('covers the districts while drawing, so the drawing clicks do not select a district', () => {
    const layers = selectionLayers(withMode(EMPTY_SELECTION, 'draw'), { cells: [], districts: districts.features }, () => undefined);
    expect(layers.map((l) => l.id)).toEqual(['citizen-promises-draw-cover']);
    expect((layers[0].props.onClick as (info: unknown) => boolean)({ object: districts.features[0] })).toBe(true);
  });

  it('passes the clicked cell to the picker', () => {
    const cells = [{ type: 'Feature' as const, geometry: { type: 'Polygon', coordinates: [] }, properties: { i: 1, j: 2 } }];
    const picked: unknown[] = [];
    const [layer] = selectionLayers(withMode(EMPTY_SELECTION, 'hotspots'), { cells, districts: [] }, (f) => picked.push(f.properties));
    (layer.props.onClick as (info: unknown) => boolean)({ object: cells[0] });
    expect(picked).toEqual([{ i: 1, j: 2 }]);
  });

  it('has a legend row per status present, and the selection while picking', () => {
    const data: PromisesData = { promises: [promise(), promise({ id: 2, status: 'draft' })], districts: { type: 'FeatureCollection', features: [] } };
    expect(promiseLegend(data, 'sv', EMPTY_SELECTION).rows.map((r) => r.label)).toEqual(['Utkast', 'Publicerat']);
    expect(promiseLegend(data, 'en', withMode(EMPTY_SELECTION, 'draw')).rows.map((r) => r.label)).toEqual(['Draft', 'Published', 'Selected evidence']);
  });

  it('reloads the list for another municipality only', () => {
    const params = { query: { municipality: '0999', from: '2026-01-01', to: '2026-02-01' } } as Parameters<typeof citizenPromisesFeature.requestKey>[0];
    const a = citizenPromisesFeature.requestKey(params);
    expect(citizenPromisesFeature.requestKey({ ...params, query: { ...params.query, from: '2025-01-01' } })).toBe(a);
    expect(citizenPromisesFeature.requestKey({ ...params, query: { ...params.query, municipality: '0998' } })).not.toBe(a);
  });
});
