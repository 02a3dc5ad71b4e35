import { t, tx } from '../../i18n.ts';
import { keyOf, type MapFeature } from '../contract.ts';
import { fetchEmerging, fetchHotspots, type HotspotCollection } from './hotspots.api.ts';
import { emergingLabelLayers, hotspotLayers } from './hotspots.layers.ts';
import { hotspotLegend } from './hotspots.legend.ts';

/** Id of the emerging-patterns data, an option of the hotspot layer with a request of its own. */
export const EMERGING_ID = 'hotspots-emerging';

/** Gi* hot and cold spots. Gi* takes seconds on the embedded database: while the slider plays, the last cells stay. */
export const hotspotsFeature: MapFeature<HotspotCollection> = {
  id: 'hotspots',
  requestKey: ({ query, playing }) => (playing ? null : keyOf(query)),
  load: ({ query }, signal) => fetchHotspots({ ...query }, signal),
  layers: (data, _ctx, version) => (data ? hotspotLayers(data, version) : []),
  legend: (_data, lang, ctx) => hotspotLegend(lang, ctx.view.emerging && ctx.statusOf(EMERGING_ID) === 'ready' && ctx.dataOf(EMERGING_ID) !== null),
  note: (_data, lang, ctx) => (ctx.playing ? t(lang, 'playingPaused') : undefined),
  control: {
    label: (lang) => tx(lang, 'layer_hotspots'),
    options: (lang) => `<div data-part="options"><label class="check"><input type="checkbox" name="emerging" id="hotspots-emerging"> ${t(lang, 'emerging')}</label></div>`,
    onInput: (input) => (input.name === 'emerging' ? { emerging: (input as HTMLInputElement).checked } : null),
    sync: (root, view) => { (root.querySelector('input[name="emerging"]') as HTMLInputElement).checked = view.emerging; },
  },
};

/** Emerging-hotspot symbols over the Gi* cells: slower still, so asked for only when switched on. */
export const emergingFeature: MapFeature<HotspotCollection> = {
  id: EMERGING_ID,
  active: (view) => view.layers.includes('hotspots') && view.emerging,
  requestKey: ({ query, playing }) => (playing ? null : keyOf(query)),
  load: ({ query }, signal) => fetchEmerging({ ...query }, signal),
  layers: (data, _ctx, version) => (data ? emergingLabelLayers(data, version) : []),
  legend: () => null,
};
