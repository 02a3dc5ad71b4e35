import { describe, expect, it } from 'vitest';
import { CHOROPLETH_ALPHA, choroplethAlpha, districtColor, districtLayers, labelPoint, marksSignificance, metricValue, collectionBounds, districtLabels, outlineSegments } from '../../../client/features/districts/districts.layers.ts';
import type { DistrictCollection, DistrictStat } from '../../../client/features/districts/districts.api.ts';
import { emergingLabelLayers, hotspotFill, hotspotLayers, PATTERN_SYMBOLS } from '../../../client/features/hotspots/hotspots.layers.ts';
import { markColor, reasonColor } from '../../../client/features/survey-marks/survey-marks.layers.ts';
import { normaliseShares, sharesByDistrict } from '../../../client/features/surveys/surveys.api.ts';
import { calendarMonthTotals, normaliseTimePatterns } from '../../../client/features/time-patterns/time-patterns.api.ts';
import { DIVERGING_7, NO_DATA } from '../../../client/ui/color-scale.ts';

const square = (id: number, x: number): DistrictCollection['features'][number] => ({
  type: 'Feature', id, geometry: { type: 'Polygon', coordinates: [[[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]] },
  properties: { id, name: `D${id}`, kind: 'stadsdel', parent_id: null, population: 100, population_by_gender: null, population_by_age: null, label_point: null },
});
const districts: DistrictCollection = { type: 'FeatureCollection', features: [square(1, 0), square(2, 1)] };
const stat = (id: number, o: Partial<DistrictStat> = {}): DistrictStat => ({
  id, name: `D${id}`, kind: 'stadsdel', parent_id: null, population: 100, count: 10, rate_per_1000: 100, previous_count: 5,
  change_pct: 100, change_significant: true, p_value: 0.01, suppressed: false, suppression: null, ...o,
});

describe('district layers', () => {
  it('reads the metric a map shows', () => {
    const s = stat(1);
    expect([metricValue(s, 'rate'), metricValue(s, 'count'), metricValue(s, 'change')]).toEqual([100, 10, 100]);
    expect(metricValue(undefined, 'rate')).toBeNull();
  });

  it('colours change diverging and marks only significant changes', () => {
    expect(districtColor(stat(1), 'change', [])).toEqual(DIVERGING_7[6]);
    expect(districtColor(stat(1, { change_pct: null }), 'change', [])).toEqual(NO_DATA);
    expect(marksSignificance(stat(1), 'change')).toBe(true);
    expect(marksSignificance(stat(1), 'rate')).toBe(false);
    expect(marksSignificance(stat(1, { change_significant: false }), 'change')).toBe(false);
  });

  it('builds stable layer ids with update triggers that follow the data version and metric', () => {
    const input = { districts, stats: new Map([[1, stat(1)]]), metric: 'rate' as const, breaks: [50], selectedId: null, version: 'v1', onSelect: () => undefined };
    const a = districtLayers(input);
    const b = districtLayers({ ...input, metric: 'change', version: 'v2' });
    expect(a.map((l) => l.id)).toEqual(['districts-fill', 'districts-outline']);
    expect(b.map((l) => l.id)).toEqual(a.map((l) => l.id));
    expect(a[0].props.updateTriggers.getFillColor).not.toEqual(b[0].props.updateTriggers.getFillColor);
  });

  it('thins the fill from the town view to street level, so the basemap stays readable', () => {
    expect([10, 12.9, 13, 14, 15, 18].map(choroplethAlpha)).toEqual([CHOROPLETH_ALPHA, CHOROPLETH_ALPHA, 140, 105, 80, 80]);
    const input = { districts, stats: new Map([[1, stat(1)]]), metric: 'rate' as const, breaks: [50], selectedId: null, version: 'v1', onSelect: () => undefined };
    const fillOf = (layer: { props: unknown }) => (layer.props as { getFillColor: (f: unknown) => number[] }).getFillColor(districts.features[0]);
    const alphaAt = (zoom: number) => fillOf(districtLayers(input, { zoom })[0])[3];
    expect([alphaAt(11), alphaAt(15)]).toEqual([CHOROPLETH_ALPHA, 80]);
    expect(fillOf(districtLayers(input, { zoom: 15, fill: false })[0])[3]).toBe(0);
    // A changed alpha must reach deck.gl as a changed update trigger.
    expect(districtLayers(input, { zoom: 11 })[0].props.updateTriggers.getFillColor).not.toEqual(districtLayers(input, { zoom: 15 })[0].props.updateTriggers.getFillColor);
  });

  it('outlines every ring of every district as segments tagged with its id, the same array for the same collection', () => {
    const segments = outlineSegments(districts);
    const ring = districts.features[0].geometry.coordinates[0] as number[][];
    expect(segments.filter((s) => s.id === districts.features[0].properties.id)).toHaveLength(ring.length - 1);
    expect(segments[0]).toEqual({ id: districts.features[0].properties.id, from: ring[0], to: ring[1] });
    expect(outlineSegments(districts)).toBe(segments);
  });

  it('marks the selected district\'s outline and makes outlines pickable only when the fill is off', () => {
    const input = { districts, stats: new Map([[1, stat(1)]]), metric: 'rate' as const, breaks: [50], selectedId: districts.features[0].properties.id, version: 'v1', onSelect: () => undefined };
    const outlineOf = (layers: { id: string; props: unknown }[]) => layers.find((l) => l.id === 'districts-outline')!.props as { pickable: boolean; getWidth: (s: unknown) => number; getColor: (s: unknown) => number[] };
    const outline = outlineOf(districtLayers(input));
    const [selected] = outlineSegments(districts);
    const other = outlineSegments(districts).find((s) => s.id !== selected.id)!;
    expect([outline.getWidth(selected), outline.getWidth(other)]).toEqual([5, 1.5]);
    expect(outline.getColor(selected)).toEqual([11, 92, 173, 255]);
    expect([outline.pickable, outlineOf(districtLayers(input, { fill: false })).pickable]).toEqual([false, true]);
  });

  it('labels each district by name, with an asterisk only where the change map marks a significant change', () => {
    const stats = new Map([[1, stat(1)], [2, stat(2, { change_significant: false })]]);
    expect(districtLabels(districts, stats, 'change').map((l) => l.text)).toEqual([`${districts.features[0].properties.name} *`, districts.features[1].properties.name]);
    expect(districtLabels(districts, stats, 'rate').map((l) => l.text)).toEqual(districts.features.map((f) => f.properties.name));
    expect(districtLabels(districts, stats, 'rate').map((l) => l.id)).toEqual(['districts-label-1', 'districts-label-2']);
  });

  it('labels a square at its centre and bounds the collection', () => {
    expect(labelPoint(districts.features[0])).toEqual([0.5, 0.5]);
    expect(collectionBounds(districts)).toEqual([0, 0, 2, 1]);
    expect(collectionBounds({ type: 'FeatureCollection', features: [] })).toBeNull();
  });
});

describe('hotspot layers', () => {
  it('leaves not-significant cells transparent', () => {
    expect(hotspotFill('ns')[3]).toBe(0);
    expect(hotspotFill('hot99')).toEqual([178, 24, 43, 200]);
  });

  it('adds emerging symbols only for cells with a pattern', () => {
    const cell = (pattern: string) => ({ type: 'Feature' as const, geometry: { type: 'Polygon' as const, coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] }, properties: { count: 1, z: 1, p: 0.1, p_fdr: 0.1, class: 'hot95', pattern } });
    const cells = { type: 'FeatureCollection' as const, features: [cell('new')] };
    expect(hotspotLayers(cells, 'v').map((l) => l.id)).toEqual(['hotspots-cells']);
    const layers = emergingLabelLayers({ type: 'FeatureCollection', features: [cell('new'), cell('no_pattern')] }, 'v');
    expect(layers.map((l) => l.id)).toEqual(['hotspots-emerging-labels']);
    expect((layers[0].props.data as unknown[]).length).toBe(1);
    expect(emergingLabelLayers({ type: 'FeatureCollection', features: [cell('no_pattern')] }, 'v')).toEqual([]);
    expect(PATTERN_SYMBOLS.new).toBe('N');
  });
});

describe('survey and mark data', () => {
  it('colours a mark by its first selected reason', () => {
    const mark = { type: 'Feature' as const, id: 1, geometry: { type: 'Point' as const, coordinates: [0, 0] as [number, number] }, properties: { id: 1, reasons: ['vegetation', 'belysning'], time_of_day: 'natt', comment: null, district_id: 1 } };
    expect(markColor(mark, [])).toEqual(reasonColor('vegetation'));
    expect(markColor(mark, ['belysning'])).toEqual(reasonColor('belysning'));
    expect(reasonColor('belysning')).not.toEqual(reasonColor('vegetation'));
  });

  it('flattens indicator groups and picks one group per district', () => {
    const share = (s: number | null, suppressed = false) => ({ share: s, low: s && s - 0.05, high: s && s + 0.05, n: 50, n_eff: 50, suppressed });
    const body = { groups: [
      { key: { district_id: 1, gender: 'kvinna' }, n: 50, suppressed: false, indicators: { otrygg: share(0.3), gar_aldrig_ut: share(0.1), problems: {} } },
      { key: { district_id: 1, gender: 'man' }, n: 50, suppressed: false, indicators: { otrygg: share(0.2), problems: {} } },
      { key: { district_id: 2, gender: 'kvinna' }, n: 4, suppressed: true, indicators: null },
    ] };
    const rows = normaliseShares(body);
    expect(rows.filter((r) => r.indicator === 'otrygg_kvall')).toHaveLength(3);
    const women = sharesByDistrict(rows, 'kvinna');
    expect(women.get(1)!.share).toBe(0.3);
    expect(women.get(2)!.suppressed).toBe(true);
    expect(sharesByDistrict(rows, 'all').size).toBe(0);
  });

  it('reads time patterns and sums the årshjul per calendar month and per category', () => {
    const time = normaliseTimePatterns({
      weekday_hour: Array.from({ length: 7 }, () => new Array(24).fill(1)),
      monthly: [{ month: '2025-12', count: 4 }],
      arshjul: { months: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], categories: [
        { code: 'stold', name_sv: 'Stöld', counts: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1] },
        { code: 'hot', name_sv: 'Olaga hot', counts: [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null] },
      ] },
    });
    expect(time.byCalendarMonth[0]).toBe(3);
    expect(time.categoryTotals.map((c) => [c.code, c.count])).toEqual([['stold', 12], ['hot', 2]]);
    expect(calendarMonthTotals([{ month: '2024-03', count: 2 }, { month: '2025-03', count: 5 }])[2]).toBe(7);
  });
});
