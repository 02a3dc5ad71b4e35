import { t, tx, type Lang } from '../../i18n.ts';
import type { Metric } from '../../state/view.ts';
import { quantileBreaks } from '../../ui/color-scale.ts';
import { keyOf, type MapContext, type MapFeature } from '../contract.ts';
import { fetchDistrictStats, type DistrictStats } from './districts.api.ts';
import { choroplethAlpha, districtLabels, districtLayers, metricValue } from './districts.layers.ts';
import { choroplethLegend } from './districts.legend.ts';

const METRICS: Metric[] = ['rate', 'count', 'change'];

/** Class breaks of a metric over the districts (change uses fixed diverging breaks). */
export function breaksFor(stats: DistrictStats | null, metric: Metric): number[] {
  return stats && metric !== 'change' ? quantileBreaks(stats.districts.map((d) => metricValue(d, metric))) : [];
}

function build(data: DistrictStats | null, ctx: MapContext, version: string) {
  const byId = new Map((data?.districts ?? []).map((d) => [d.id, d]));
  return districtLayers({
    districts: ctx.districts, stats: byId, metric: ctx.view.metric, breaks: breaksFor(data, ctx.view.metric),
    selectedId: ctx.filters.selectedDistrict, version, onSelect: ctx.select,
  }, { fill: ctx.view.layers.includes('districts') && !ctx.covered, zoom: ctx.zoom });
}

/**
 * The district choropleth: the base of the map. Its statistics load whatever layers are on (the panel, the
 * exports and the outlines need them), and its fill turns to outlines under another feature's fill.
 */
export const districtsFeature: MapFeature<DistrictStats> = {
  id: 'districts',
  order: -2,
  active: () => true,
  requestKey: ({ query, filters }) => keyOf(query, filters.compare),
  load: ({ query, filters, level }, signal) => fetchDistrictStats({ ...query, compare: filters.compare, level: level ?? undefined }, signal),
  // The outlines stay pickable (a click opens the panel) even with the fill off or the statistics refused.
  layers: (data, ctx, version) => build(data, ctx, version),
  labels: (data, ctx) => districtLabels(ctx.districts, new Map((data?.districts ?? []).map((d) => [d.id, d])), ctx.view.metric),
  legend(data, lang, ctx) {
    if (ctx.covered) return null;
    const values = data.districts.map((d) => metricValue(d, ctx.view.metric)).filter((v): v is number => v !== null);
    return choroplethLegend(ctx.view.metric, breaksFor(data, ctx.view.metric), values.length ? Math.max(...values) : null, lang, data.unlocated);
  },
  note: (_data, lang, ctx) => (ctx.covered ? t(lang, 'outlinesOnly') : undefined),
  detailKey: (_data, ctx) => String(choroplethAlpha(ctx.zoom)),
  control: {
    label: (lang: Lang) => tx(lang, 'layer_districts'),
    options: (lang) => `<fieldset class="inline-options" data-part="options"><legend class="sr-only">${t(lang, 'metric')}</legend>${METRICS.map((m) => `<label class="check"><input type="radio" name="metric" value="${m}" id="metric-${m}"> ${t(lang, `metric_${m}`)}</label>`).join('')}</fieldset>`,
    onInput: (input) => (input.name === 'metric' ? { metric: input.value as Metric } : null),
    sync: (root, view) => root.querySelectorAll<HTMLInputElement>('input[name="metric"]').forEach((i) => { i.checked = i.value === view.metric; }),
  },
};
