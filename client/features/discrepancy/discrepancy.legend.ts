import { t, tx, type Lang } from '../../i18n.ts';
import { DISCREPANCY_CLASSES, DISCREPANCY_COLORS } from '../../ui/color-scale.ts';
import type { LegendModel } from '../../ui/legend.ts';

/** Legend model of the discrepancy classes present. */
export function discrepancyLegend(lang: Lang): LegendModel {
  return { title: t(lang, 'layer_discrepancy'), rows: DISCREPANCY_CLASSES.map((c) => ({ color: DISCREPANCY_COLORS[c], label: tx(lang, `disc_${c}`) })), notes: [] };
}
