import { DISCREPANCY_CLASSES } from '../../shared/constants.ts';
/** RGB colour. */
export type Rgb = [number, number, number];

/** ColorBrewer YlOrRd, 5 classes: sequential and safe for colour-blind viewers. */
export const SEQUENTIAL_5: Rgb[] = [
  [255, 255, 178], [254, 204, 92], [253, 141, 60], [240, 59, 32], [189, 0, 38],
];
/** ColorBrewer RdBu, 7 classes, reversed so decreases are blue and increases red: diverging and colour-blind safe. */
export const DIVERGING_7: Rgb[] = [
  [33, 102, 172], [103, 169, 207], [209, 229, 240], [247, 247, 247], [253, 219, 199], [239, 138, 98], [178, 24, 43],
];
/** Upper bounds (percent change) of the first six diverging classes. */
export const CHANGE_BREAKS = [-50, -20, -5, 5, 20, 50];
/** Districts without a value (suppressed or no population). */
export const NO_DATA: Rgb = [200, 200, 200];

/** Gi* classes on the same reversed RdBu ramp (hot red, cold blue, not significant neutral). */
export const HOTSPOT_COLORS: Record<string, Rgb> = {
  hot99: [178, 24, 43], hot95: [239, 138, 98], hot90: [253, 219, 199], ns: [247, 247, 247],
  cold90: [209, 229, 240], cold95: [103, 169, 207], cold99: [33, 102, 172],
};

/** Okabe–Ito: eight colours distinguishable with every common colour-vision deficiency (mark reasons). */
export const OKABE_ITO: Rgb[] = [
  [230, 159, 0], [86, 180, 233], [0, 158, 115], [204, 121, 167], [0, 114, 178], [213, 94, 0], [0, 0, 0], [240, 228, 66],
];

/**
 * Säkerhet–trygghet classes on PuOr (colour-blind safe): purple = incidents, orange = unsafety, dark purple both,
 * near-white neither, grey too little data to classify.
 */
export { DISCREPANCY_CLASSES };
export const DISCREPANCY_COLORS: Record<string, Rgb> = {
  both_high: [84, 39, 136], incidents_felt_safe: [153, 142, 195], unsafe_few_incidents: [230, 97, 1], both_low: [247, 247, 247],
  insufficient_data: [200, 200, 200],
};

/**
 * Class breaks for values: quantiles over the distinct non-null values, rounded, strictly
 * increasing; fewer classes when there are few values. Returns the upper bounds of all but the last class.
 */
export function quantileBreaks(values: (number | null)[], classes = 5): number[] {
  const sorted = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length < 2) return [];
  const breaks: number[] = [];
  for (let i = 1; i < classes; i++) {
    const v = sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / classes))];
    const rounded = Math.round(v * 10) / 10;
    if (!breaks.length || rounded > breaks[breaks.length - 1]) breaks.push(rounded);
  }
  return breaks.filter((b) => b > sorted[0] && b <= sorted[sorted.length - 1]);
}

/** The class index (0 … breaks.length) of a value. */
export function classOf(value: number, breaks: number[]): number {
  let i = 0;
  while (i < breaks.length && value >= breaks[i]) i++;
  return i;
}

/** Colour for a value under the breaks; stretches the palette when there are fewer classes. */
export function colorFor(value: number | null, breaks: number[]): Rgb {
  if (value === null || !Number.isFinite(value)) return NO_DATA;
  const k = breaks.length + 1;
  const idx = classOf(value, breaks);
  const paletteIndex = k === 1 ? 2 : Math.round((idx * (SEQUENTIAL_5.length - 1)) / (k - 1));
  return SEQUENTIAL_5[paletteIndex];
}

/** Diverging colour for a percent change (null: no comparison possible). */
export function changeColor(pct: number | null): Rgb {
  if (pct === null || !Number.isFinite(pct)) return NO_DATA;
  return DIVERGING_7[classOf(pct, CHANGE_BREAKS)];
}

/** A colour for a share 0–1 on the sequential ramp with fixed breaks (10 %, 20 %, 30 %, 40 %), comparable across maps. */
export function shareColor(share: number | null): Rgb {
  if (share === null || !Number.isFinite(share)) return NO_DATA;
  return colorFor(share * 100, [10, 20, 30, 40]);
}

/** WCAG relative luminance of an sRGB colour. */
export function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => { const s = c / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio between two colours (1–21). */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** Black or white, whichever reads better on the background (text on swatches and heat-table cells). */
export function textColorOn(bg: Rgb): Rgb {
  return contrastRatio(bg, [0, 0, 0]) >= contrastRatio(bg, [255, 255, 255]) ? [0, 0, 0] : [255, 255, 255];
}

/** CSS rgb() of a colour. */
export function css(rgb: Rgb): string {
  return `rgb(${rgb.join(',')})`;
}
