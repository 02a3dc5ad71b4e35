import { t, tx, type Lang } from '../../i18n.ts';
import { formatNumber } from '../../ui/format.ts';
import { keyOf, type LoadParams, type MapContext, type MapFeature } from '../contract.ts';
import { fetchIncidentPoints, type IncidentPoints } from './incidents.api.ts';
import { cellClasses, heatDetail, heatmapLayers, pointDetail, pointLayers } from './incidents.layers.ts';
import { cellLegend, dotLegend, heatmapLegend } from './incidents.legend.ts';

/** Heatmap and points draw the same role-gated incident points: one request, one data key. */
export const INCIDENTS_KEY = 'incidents';

const requestKey = ({ query, bounds }: LoadParams) => (bounds ? keyOf(query, bounds) : null);
const load = ({ query, bounds }: LoadParams, signal: AbortSignal) => fetchIncidentPoints({ ...query, bbox: bounds! }, signal);

/** "12 345 punkter · visar de första … · … flyttade": what the points answer holds. */
function countNotes(points: IncidentPoints, lang: Lang): string[] {
  const notes = [`${formatNumber(points.length, lang)} ${t(lang, 'points')}`];
  if (points.truncated) notes.push(`${t(lang, 'truncated')} ${formatNumber(points.length, lang)}`);
  if (points.snappedCount) notes.push(`${formatNumber(points.snappedCount, lang)} ${t(lang, 'snapped')}`);
  return notes;
}

/**
 * The heatmap shares the choropleth's sequential palette, so under it the districts show as outlines (as under
 * the survey and discrepancy fills); one fewer layer covering the screen also keeps software WebGL fluid.
 */
export const heatmapFeature: MapFeature<IncidentPoints> = {
  id: 'heatmap',
  dataKey: INCIDENTS_KEY,
  requestKey,
  load,
  layers: (data, ctx, version) => (data ? heatmapLayers(data, version, ctx.zoom, ctx.viewBox) : []),
  legend: (_data, lang) => heatmapLegend(lang),
  note: (data, lang) => countNotes(data, lang)[0],
  coversDistricts: (ctx: MapContext) => ctx.dataOf(INCIDENTS_KEY) !== null,
  detailKey: (_data, ctx) => heatDetail(ctx.zoom, ctx.viewBox).key,
  control: { label: (lang) => tx(lang, 'layer_heatmap') },
};

/** Incidents as counted cells at town zoom and as dots at street zoom (or when few). */
export const pointsFeature: MapFeature<IncidentPoints> = {
  id: 'points',
  dataKey: INCIDENTS_KEY,
  requestKey,
  load,
  layers: (data, ctx, version) => (data ? pointLayers(data, ctx.zoom, version, ctx.viewBox) : []),
  legend(data, lang, ctx) {
    const detail = pointDetail(data, ctx.zoom, ctx.viewBox);
    const classes = detail.mode === 'cells' ? cellClasses(data) : null;
    return classes ? cellLegend(classes.breaks, classes.max, detail.cellM, lang) : dotLegend(data.categories.map(ctx.categoryName), lang);
  },
  note(data, lang, ctx) {
    const notes = countNotes(data, lang);
    if (pointDetail(data, ctx.zoom, ctx.viewBox).mode === 'cells') notes.push(t(lang, 'binned'));
    return notes.join(' · ');
  },
  detailKey: (data, ctx) => pointDetail(data, ctx.zoom, ctx.viewBox).key,
  control: { label: (lang) => tx(lang, 'layer_points') },
};
