import { getJson } from '../../api/http.ts';
import { t, tx, type Lang } from '../../i18n.ts';
import { formatNumber } from '../../ui/format.ts';
import type { LegendModel } from '../../ui/legend.ts';
import type { MapFeature } from '../contract.ts';
import { fetchPromises, PROMISE_STATUSES, type CitizenPromise } from './citizen-promises.api.ts';
import { promiseAreaFeatures, promiseAreaLayers, SELECTION_COLOR, selectionLayers, STATUS_COLORS } from './citizen-promises.layers.ts';
import { promiseStore, toggleCell, toggleDistrict, type PromiseSelection } from './citizen-promises.state.ts';

type Shape = { type: 'Feature'; geometry: { type: string; coordinates: unknown }; properties: Record<string, unknown> & { id?: number; i?: number; j?: number } };

/** The promises the viewer may see and every district's polygon (a promise may name districts of any level). */
export interface PromisesData { promises: CitizenPromise[]; districts: { type: 'FeatureCollection'; features: Shape[] } }

/** The legend: one swatch per status present (all four for editors) and, while picking, the selection. */
export function promiseLegend(data: PromisesData | null, lang: Lang, selection: PromiseSelection): LegendModel {
  const present = new Set(data?.promises.map((p) => p.status) ?? []);
  const rows = PROMISE_STATUSES.filter((s) => present.has(s)).map((s) => ({ color: STATUS_COLORS[s], label: tx(lang, `pr_status_${s}`) }));
  if (selection.mode !== 'none') rows.push({ color: SELECTION_COLOR, label: t(lang, 'pr_legendSelection') });
  return { title: t(lang, 'pr_promises'), rows, notes: [] };
}

/**
 * Citizen promises on the map: each promise's area tinted by status, and — while a draft is being picked in the
 * panel — the clickable hotspot cells or districts it is picked from. The panel and this layer share promiseStore.
 */
export const citizenPromisesFeature: MapFeature<PromisesData> = {
  id: 'citizen-promises',
  order: 5,
  // Also on while a draft is picked or a promise is open in the panel, so what the panel talks about is on the map.
  active: (view) => view.layers.includes('citizen-promises') || promiseStore.selection.mode !== 'none' || promiseStore.openId !== null,
  requestKey: ({ query }) => JSON.stringify([query.municipality, promiseStore.revision]),
  load: async ({ query }, signal) => {
    const [promises, districts] = await Promise.all([
      fetchPromises(query.municipality, signal),
      getJson<PromisesData['districts']>('/api/districts', { municipality: query.municipality }, signal),
    ]);
    return { promises, districts };
  },
  layers: (data, ctx, version) => {
    const sel = promiseStore.selection;
    const shown = !data ? [] : ctx.view.layers.includes('citizen-promises') ? data.promises : data.promises.filter((p) => p.id === promiseStore.openId);
    const areas = shown.length ? promiseAreaLayers(promiseAreaFeatures(shown, data!.districts), promiseStore.openId, `${version}|${shown.length}`, Math.round(ctx.zoom)) : [];
    const cells = ctx.dataOf<{ features: Shape[] }>('hotspots')?.features ?? [];
    const pick = selectionLayers(sel, { cells, districts: ctx.districts.features as unknown as Shape[] }, (f) => {
      const now = promiseStore.selection;
      if (now.mode === 'hotspots' && typeof f.properties.i === 'number' && typeof f.properties.j === 'number') {
        promiseStore.update({ selection: toggleCell(now, { i: f.properties.i, j: f.properties.j }) });
      } else if (now.mode === 'districts' && f.properties.id !== undefined) {
        promiseStore.update({ selection: toggleDistrict(now, Number(f.properties.id)) });
      }
    });
    return [...areas, ...pick];
  },
  legend: (data, lang) => promiseLegend(data, lang, promiseStore.selection),
  note: (data, lang) => `${formatNumber(data.promises.length, lang)} ${t(lang, 'pr_promises').toLowerCase()}`,
  // Titles are stacked apart per zoom level (promiseLabels): a new whole zoom redraws them.
  detailKey: (_data, ctx) => String(Math.round(ctx.zoom)),
  control: { label: (lang) => t(lang, 'pr_layer') },
};
