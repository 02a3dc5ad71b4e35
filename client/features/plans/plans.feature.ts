import { t, tx } from '../../i18n.ts';
import { formatNumber } from '../../ui/format.ts';
import type { MapFeature } from '../contract.ts';
import { fetchPublicPromises, type PublicPromise } from './plans.api.ts';
import { promiseLayers } from './plans.layers.ts';

/** Published citizen promises as outlined areas (priorities and actions join when they exist). */
export const plansFeature: MapFeature<PublicPromise[]> = {
  id: 'plans',
  requestKey: ({ query }) => query.municipality,
  load: ({ query }, signal) => fetchPublicPromises(query.municipality, signal),
  layers: (data, ctx, version) => (data?.length ? promiseLayers(ctx.districts, data, version) : []),
  legend: () => null,
  note: (data, lang) => `${formatNumber(data.length, lang)} ${t(lang, 'promisesCount')}; ${t(lang, 'promisesOnly')}`,
  control: { label: (lang) => tx(lang, 'layer_plans') },
};
