import { afterEach, describe, expect, it } from 'vitest';
import type { LoadParams, MapContext, MapFeature } from '../../../client/features/contract.ts';
import { discrepancyFeature } from '../../../client/features/discrepancy/discrepancy.feature.ts';
import type { DistrictCollection, DistrictStats } from '../../../client/features/districts/districts.api.ts';
import { districtsFeature } from '../../../client/features/districts/districts.feature.ts';
import { EMERGING_ID, emergingFeature, hotspotsFeature } from '../../../client/features/hotspots/hotspots.feature.ts';
import { toIncidentPoints } from '../../../client/features/incidents/incidents.api.ts';
import { heatmapFeature, INCIDENTS_KEY, pointsFeature } from '../../../client/features/incidents/incidents.feature.ts';
import { plansFeature } from '../../../client/features/plans/plans.feature.ts';
import { FEATURES } from '../../../client/features/registry.ts';
import { marksFeature } from '../../../client/features/survey-marks/survey-marks.feature.ts';
import type { ShareRow } from '../../../client/features/surveys/surveys.api.ts';
import { surveyFeature } from '../../../client/features/surveys/surveys.feature.ts';
import { DEFAULT_FILTERS } from '../../../client/state/filters.ts';
import { DEFAULT_VIEW, LAYER_IDS, type ViewState } from '../../../client/state/view.ts';

const square = (id: number, x: number): DistrictCollection['features'][number] => ({
  type: 'Feature', id, geometry: { type: 'Polygon', coordinates: [[[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]] },
  properties: { id, name: `D${id}`, kind: 'stadsdel', parent_id: null, population: 100, population_by_gender: null, population_by_age: null, label_point: [x + 0.5, 0.5] },
});
const districts: DistrictCollection = { type: 'FeatureCollection', features: [square(1, 0), square(2, 1)] };
const stats: DistrictStats = {
  municipality: '9999', period: { from: '2026-01-01', to: '2026-02-01' }, comparison: { compare: 'previous', from: '2025-12-01', to: '2026-01-01' },
  level: 'stadsdel', categories: ['stold'], unlocated: 2, unlocated_suppressed: false,
  districts: [1, 2].map((id) => ({ id, name: `D${id}`, kind: 'stadsdel', parent_id: null, population: 100, count: id * 10, rate_per_1000: id * 100, previous_count: 5, change_pct: 100, change_significant: false, p_value: 0.2, suppressed: false, suppression: null })),
};
const query = { municipality: '9999', from: '2026-01-01', to: '2026-02-01' };
const params = (o: Partial<LoadParams> = {}): LoadParams => ({
  query, filters: { ...DEFAULT_FILTERS, municipality: '9999' }, view: DEFAULT_VIEW, level: 'stadsdel', bounds: [0, 0, 2, 1], playing: false, ...o,
});
const ctx = (o: Partial<MapContext> = {}, data: Record<string, unknown> = {}): MapContext => ({
  districts, stats, filters: DEFAULT_FILTERS, view: DEFAULT_VIEW, lang: 'sv', playing: false, zoom: 12, viewBox: [0, 0, 2, 1], covered: false,
  statusOf: (id) => (id in data ? 'ready' : 'loading'), dataOf: <T>(id: string) => (data[id] ?? null) as T | null,
  categoryName: (c) => c.toUpperCase(), select: () => undefined, ...o,
});

/** Records the URLs the modules ask for (answering each with `body`). */
function recordFetch(body: unknown): string[] {
  const urls: string[] = [];
  globalThis.fetch = (async (input: RequestInfo | URL) => {
    urls.push(String(input));
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return urls;
}
const realFetch = globalThis.fetch;
afterEach(() => { globalThis.fetch = realFetch; });

const ids = <D>(f: MapFeature<D>, data: D | null, c = ctx()) => f.layers(data, c, 'v1').map((l) => l.id);

describe('the feature registry', () => {
  it('lists every built-in layer once, with unique ids, in the order of the layer list', () => {
    const controlled = FEATURES.filter((f) => f.control).map((f) => f.id);
    expect(controlled).toEqual([...LAYER_IDS]);
    expect(new Set(FEATURES.map((f) => f.id)).size).toBe(FEATURES.length);
  });

  it('gives every feature an id its deck.gl layer ids start with', () => {
    for (const f of FEATURES) expect(f.id).toMatch(/^[a-z][a-z-]*$/);
  });
});

describe('districts feature', () => {
  it('reloads on filters and comparison only', () => {
    const a = districtsFeature.requestKey(params());
    expect(districtsFeature.requestKey(params({ view: { ...DEFAULT_VIEW, metric: 'count' } }))).toBe(a);
    expect(districtsFeature.requestKey(params({ filters: { ...DEFAULT_FILTERS, compare: 'year' } }))).not.toBe(a);
    expect(districtsFeature.requestKey(params({ query: { ...query, category: 'stold' } }))).not.toBe(a);
  });

  it('asks for the statistics with the filters, comparison and level', async () => {
    const urls = recordFetch(stats);
    await districtsFeature.load(params({ query: { ...query, category: 'stold,ran' } }), new AbortController().signal);
    const url = new URL(urls[0], 'http://x');
    expect(url.pathname).toBe('/api/stats/districts');
    expect(Object.fromEntries(url.searchParams)).toEqual({ municipality: '9999', from: '2026-01-01', to: '2026-02-01', category: 'stold,ran', compare: 'previous', level: 'stadsdel' });
  });

  it('has stable layer ids (fill and outlines) and labels every district, also without statistics', () => {
    expect(ids(districtsFeature, stats)).toEqual(['districts-fill', 'districts-outline']);
    expect(districtsFeature.labels!(stats, ctx()).map((l) => l.id)).toEqual(districts.features.map((f) => `districts-label-${f.properties.id}`));
    // Without statistics (refused) the outlines and names still draw.
    expect(ids(districtsFeature, null)).toEqual(['districts-fill', 'districts-outline']);
    expect(districtsFeature.labels!(null, ctx())).toHaveLength(districts.features.length);
  });

  it('labels each district at the server\'s point on surface', () => {
    expect(districtsFeature.labels!(stats, ctx())[1].position).toEqual([1.5, 0.5]);
  });

  it('has a choropleth legend, none when another fill covers it', () => {
    const legend = districtsFeature.legend(stats, 'sv', ctx())!;
    expect(legend.title).toContain('per 1 000 invånare');
    expect(legend.notes[0]).toContain('2');
    expect(districtsFeature.legend(stats, 'sv', ctx({ covered: true }))).toBeNull();
    expect(districtsFeature.note!(stats, 'sv', ctx({ covered: true }))).toContain('konturer');
  });
});

describe('hotspots and emerging patterns', () => {
  const cells = { type: 'FeatureCollection' as const, features: [] };
  it('keep their cells while the slider plays', () => {
    expect(hotspotsFeature.requestKey(params({ playing: true }))).toBeNull();
    expect(emergingFeature.requestKey(params({ playing: true }))).toBeNull();
    expect(hotspotsFeature.requestKey(params())).not.toBeNull();
  });
  it('emerging patterns are active only with hotspots on and the option ticked', () => {
    const v = (o: Partial<ViewState>) => ({ ...DEFAULT_VIEW, ...o });
    expect(emergingFeature.active!(v({ layers: ['hotspots'] }))).toBe(false);
    expect(emergingFeature.active!(v({ layers: ['hotspots'], emerging: true }))).toBe(true);
    expect(emergingFeature.active!(v({ layers: [], emerging: true }))).toBe(false);
    expect(emergingFeature.control).toBeUndefined();
  });
  it('ask /api/stats/hotspots and /emerging', async () => {
    const urls = recordFetch(cells);
    await hotspotsFeature.load(params(), new AbortController().signal);
    await emergingFeature.load(params(), new AbortController().signal);
    expect(urls.map((u) => u.split('?')[0])).toEqual(['/api/stats/hotspots', '/api/stats/hotspots/emerging']);
  });
  it('name the emerging symbols in the legend once they are there', () => {
    expect(ids(hotspotsFeature, cells)).toEqual(['hotspots-cells']);
    expect(hotspotsFeature.legend(cells, 'sv', ctx())!.notes).toEqual([]);
    const on = ctx({ view: { ...DEFAULT_VIEW, layers: ['hotspots'], emerging: true } }, { [EMERGING_ID]: cells });
    expect(hotspotsFeature.legend(cells, 'sv', on)!.notes[0]).toContain('Framväxande');
  });
});

describe('incident features', () => {
  const points = toIncidentPoints({ format: 'columns', count: 2, truncated: false, limit: 10, categories: ['stold'], positions: [0.5, 0.5, 1.5, 0.5], category: [0, 0], time: [0, 0], snapped: [0, 1] });
  it('share one request within the districts\' bounds', async () => {
    expect(heatmapFeature.dataKey).toBe(INCIDENTS_KEY);
    expect(pointsFeature.dataKey).toBe(INCIDENTS_KEY);
    expect(heatmapFeature.requestKey(params())).toBe(pointsFeature.requestKey(params()));
    expect(pointsFeature.requestKey(params({ bounds: null }))).toBeNull();
    const urls = recordFetch({ format: 'columns', count: 0, truncated: false, limit: 10, categories: [], positions: [], category: [], time: [], snapped: [] });
    await pointsFeature.load(params(), new AbortController().signal);
    const url = new URL(urls[0], 'http://x');
    expect(url.pathname).toBe('/api/incidents');
    expect(url.searchParams.get('bbox')).toBe('0.00000,0.00000,2.00000,1.00000');
    expect(url.searchParams.get('format')).toBe('columns');
  });
  it('note the count and the snapped points, legend by detail', () => {
    expect(pointsFeature.note!(points, 'sv', ctx({ zoom: 17 }))).toContain('2 punkter');
    expect(pointsFeature.note!(points, 'sv', ctx({ zoom: 17 }))).toContain('1 punkter flyttade');
    expect(pointsFeature.legend(points, 'sv', ctx({ zoom: 17 }))!.rows.map((r) => r.label)).toEqual(['STOLD']);
    expect(heatmapFeature.legend(points, 'sv', ctx())!.title).toBe('Värmekarta');
    expect(heatmapFeature.coversDistricts!(ctx({}, { [INCIDENTS_KEY]: points }))).toBe(true);
    expect(heatmapFeature.coversDistricts!(ctx())).toBe(false);
  });
});

describe('survey, marks, discrepancy and plans', () => {
  it('survey shares reload on municipality and level, draw one fill and say the group', async () => {
    expect(surveyFeature.requestKey(params())).not.toBe(surveyFeature.requestKey(params({ level: 'omrade' })));
    expect(surveyFeature.requestKey(params())).toBe(surveyFeature.requestKey(params({ query: { ...query, from: '2020-01-01' } })));
    const urls = recordFetch({ surveys: [] });
    expect(await surveyFeature.load(params(), new AbortController().signal)).toEqual([]);
    expect(urls[0]).toBe('/api/surveys?municipality=9999');
    expect(ids(surveyFeature, [] as ShareRow[])).toEqual(['survey-fill']);
    expect(surveyFeature.legend([], 'sv', ctx({ view: { ...DEFAULT_VIEW, surveyGroup: 'kvinna' } }))!.title).toContain('Kvinnor');
  });

  it('marks reload on their own filters, not the period', async () => {
    const withReason = params({ view: { ...DEFAULT_VIEW, markReasons: ['belysning'] } });
    expect(marksFeature.requestKey(withReason)).not.toBe(marksFeature.requestKey(params()));
    expect(marksFeature.requestKey(params({ query: { ...query, from: '2020-01-01' } }))).toBe(marksFeature.requestKey(params()));
    const urls = recordFetch({ type: 'FeatureCollection', count: 0, truncated: false, features: [] });
    await marksFeature.load(withReason, new AbortController().signal);
    expect(urls[0]).toBe('/api/survey-marks?municipality=9999&reason=belysning');
    expect(ids(marksFeature, { type: 'FeatureCollection', count: 0, truncated: false, features: [] })).toEqual(['marks-points']);
    expect(marksFeature.legend({ type: 'FeatureCollection', count: 0, truncated: false, features: [] }, 'sv', ctx())!.rows).toHaveLength(8);
  });

  it('discrepancy draws a fill (and cells when given) and covers the choropleth', () => {
    const d = { districts: [{ district_id: 1, class: 'both_high', incident_level: null, perceived_level: null, share_otrygg: null, survey_n: null }], cells: null, descriptions: {} };
    expect(ids(discrepancyFeature, d)).toEqual(['discrepancy-fill']);
    expect(ids(discrepancyFeature, { ...d, cells: { type: 'FeatureCollection', features: [] } })).toEqual(['discrepancy-fill', 'discrepancy-cells']);
    expect(discrepancyFeature.legend(d, 'en', ctx())!.rows.length).toBe(5);
    expect(ids(discrepancyFeature, null)).toEqual([]);
  });

  it('plans draw outlines and labels of published promises', () => {
    const promise = { id: 1, title: 'Tryggare torg', area: { district_ids: [1], district_names: ['D1'] }, status: 'published', period_start: '2026-01-01', period_end: '2026-12-31' };
    expect(ids(plansFeature, [promise])).toEqual(['plans-promise-outlines', 'plans-promise-labels']);
    expect(ids(plansFeature, [])).toEqual([]);
    expect(plansFeature.note!([promise], 'sv', ctx())).toContain('1 publicerade medborgarlöften');
  });
});
