import { tx } from '../../i18n.ts';
import { DISCREPANCY_COLORS, NO_DATA } from '../../ui/color-scale.ts';
import { keyOf, type MapFeature } from '../contract.ts';
import { districtFillLayer } from '../districts/districts.layers.ts';
import { discrepancyCellLayer } from '../plans/plans.layers.ts';
import { fetchDiscrepancy, type Discrepancy } from './discrepancy.api.ts';
import { discrepancyLegend } from './discrepancy.legend.ts';

/** Säkerhet–trygghet: districts (and, for roles with hotspot access, hexagons) by incident level against unsafety. */
export const discrepancyFeature: MapFeature<Discrepancy> = {
  id: 'discrepancy',
  order: -1,
  requestKey: ({ query }) => keyOf(query),
  load: ({ query }, signal) => fetchDiscrepancy({ ...query }, signal),
  layers(data, ctx, version) {
    if (!data) return [];
    const byDistrict = new Map(data.districts.map((r) => [r.district_id, r.class]));
    const layers = [districtFillLayer('discrepancy-fill', ctx.districts, (f) => [...(DISCREPANCY_COLORS[byDistrict.get(f.properties.id) ?? ''] ?? NO_DATA), 215], version)];
    if (data.cells) layers.push(discrepancyCellLayer(data.cells, version));
    return layers;
  },
  legend: (_data, lang) => discrepancyLegend(lang),
  coversDistricts: (ctx) => ctx.dataOf('discrepancy') !== null,
  control: { label: (lang) => tx(lang, 'layer_discrepancy') },
};
