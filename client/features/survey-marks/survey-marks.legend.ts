import { t, tx, type Lang } from '../../i18n.ts';
import { OKABE_ITO } from '../../ui/color-scale.ts';
import type { LegendModel } from '../../ui/legend.ts';

/** Legend model of the unsafe-place reasons (Okabe–Ito). */
export function markLegend(reasons: readonly string[], lang: Lang): LegendModel {
  return { title: t(lang, 'layer_marks'), rows: reasons.map((r, i) => ({ color: OKABE_ITO[i % OKABE_ITO.length], label: tx(lang, `reason_${r}`) })), notes: [] };
}
