import { t, tx, type Lang } from '../../i18n.ts';
import { GI_CLASSES } from '../../../shared/constants.ts';
import { HOTSPOT_COLORS } from '../../ui/color-scale.ts';
import type { LegendModel } from '../../ui/legend.ts';

/** Legend model of the Gi* hotspot classes. */
export function hotspotLegend(lang: Lang, withEmerging = false): LegendModel {
  const notes = withEmerging ? [`${t(lang, 'emerging')}: ${t(lang, 'emergingSymbols')}`] : [];
  return { title: t(lang, 'layer_hotspots'), rows: GI_CLASSES.filter((c) => c !== 'ns').map((c) => ({ color: HOTSPOT_COLORS[c], label: tx(lang, c) })), notes };
}
