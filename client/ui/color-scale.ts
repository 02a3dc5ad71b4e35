/** RGB colour. */
export type Rgb = [number, number, number];

/** ColorBrewer YlOrRd, 5 classes: sequential and safe for colour-blind viewers. */
export const SEQUENTIAL_5: Rgb[] = [
  [255, 255, 178], [254, 204, 92], [253, 141, 60], [240, 59, 32], [189, 0, 38],
];
/** Districts without a value (suppressed or no population). */
export const NO_DATA: Rgb = [200, 200, 200];

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
