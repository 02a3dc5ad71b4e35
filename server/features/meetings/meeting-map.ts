import type { DistrictOutline } from './meetings.queries.ts';

/** Sequential reds for rate classes, light to dark (ColorBrewer Reds, readable in greyscale print). */
export const MAP_CLASS_COLOURS = ['#fee5d9', '#fcae91', '#fb6a4a', '#de2d26', '#a50f15'] as const;
/** Fill of a district whose number is hidden for the reader or missing. */
export const MAP_HIDDEN_COLOUR = '#d9d9d9';

const WIDTH = 600;
const MAP_HEIGHT = 380;
const LEGEND_HEIGHT = 84;

const TEXT = {
  sv: { title: 'Karta över', legend: 'Anmälda händelser per 1 000 invånare (frysta siffror)', live: 'Mötet är öppet: färger först när det avslutats', hidden: 'dolt eller saknas' },
  en: { title: 'Map of', legend: 'Reported incidents per 1,000 inhabitants (frozen numbers)', live: 'The meeting is open: colours once it is closed', hidden: 'hidden or missing' },
} as const;

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Equal-interval class limits over the published rates (five classes; one class when they are all equal). */
export function rateClasses(rates: readonly number[]): number[] {
  if (!rates.length) return [];
  const lo = Math.min(...rates);
  const hi = Math.max(...rates);
  if (hi === lo) return [lo];
  return Array.from({ length: MAP_CLASS_COLOURS.length }, (_, k) => lo + ((hi - lo) * k) / MAP_CLASS_COLOURS.length);
}

/** The colour of a rate given the class limits (lower bounds); hidden or missing rates are grey. */
export function rateColour(rate: number | null, limits: readonly number[]): string {
  if (rate === null || !limits.length) return MAP_HIDDEN_COLOUR;
  let k = 0;
  while (k + 1 < limits.length && rate >= limits[k + 1]) k += 1;
  return limits.length === 1 ? MAP_CLASS_COLOURS[2] : MAP_CLASS_COLOURS[k];
}

/**
 * An SVG map of a meeting's agenda districts for the printed minutes: every outline shaded by the reader's
 * published rate per 1,000 inhabitants (the frozen snapshot numbers, so the picture never changes), the agenda
 * item outlined heavily, and a legend. Pure: the same outlines and numbers give the same bytes. `rates` null
 * (an open meeting) draws the outlines without colours.
 */
export function meetingMapSvg(
  map: { view_box: string | null; districts: DistrictOutline[] },
  rates: Map<number, number | null> | null,
  highlight: number,
  lang: 'sv' | 'en',
): string {
  const text = TEXT[lang];
  const published = rates ? [...rates.values()].filter((r): r is number => r !== null) : [];
  const limits = rateClasses(published);
  const chosen = map.districts.find((d) => d.id === highlight);
  const title = `${text.title} ${chosen?.name ?? ''}`.trim();
  const fill = (id: number) => (rates ? rateColour(rates.get(id) ?? null, limits) : '#ffffff');
  // The highlighted district last, so its heavy outline is not covered by a neighbour's.
  const ordered = [...map.districts.filter((d) => d.id !== highlight), ...(chosen ? [chosen] : [])];
  const paths = ordered.map((d) => `<path d="${escapeXml(d.path)}" fill="${fill(d.id)}" stroke="#222" stroke-width="${d.id === highlight ? 4 : 1}" vector-effect="non-scaling-stroke" data-district="${d.id}"><title>${escapeXml(d.name)}</title></path>`).join('');
  const fmt = (v: number) => v.toLocaleString(lang === 'sv' ? 'sv-SE' : 'en-GB', { maximumFractionDigits: 1 });
  const y = MAP_HEIGHT + 18;
  let legend: string;
  if (!rates) {
    legend = `<text x="10" y="${y}" font-size="17">${escapeXml(text.live)}</text>`;
  } else {
    const boxes = limits.map((lo, k) => {
      const colour = limits.length === 1 ? MAP_CLASS_COLOURS[2] : MAP_CLASS_COLOURS[k];
      const label = limits.length === 1 ? fmt(lo) : k + 1 < limits.length ? `${fmt(lo)}–${fmt(limits[k + 1])}` : `≥ ${fmt(lo)}`;
      return `<rect x="${10 + k * 118}" y="${y + 8}" width="20" height="20" fill="${colour}" stroke="#222"/><text x="${34 + k * 118}" y="${y + 24}" font-size="15">${escapeXml(label)}</text>`;
    }).join('');
    legend = `<text x="10" y="${y}" font-size="17">${escapeXml(text.legend)}</text>${boxes}` +
      `<rect x="10" y="${y + 36}" width="20" height="20" fill="${MAP_HIDDEN_COLOUR}" stroke="#222"/><text x="34" y="${y + 52}" font-size="15">${escapeXml(text.hidden)}</text>`;
  }
  const inner = map.view_box
    ? `<svg x="0" y="0" width="${WIDTH}" height="${MAP_HEIGHT}" viewBox="${map.view_box}" preserveAspectRatio="xMidYMid meet">${paths}</svg>`
    : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${MAP_HEIGHT + LEGEND_HEIGHT}" viewBox="0 0 ${WIDTH} ${MAP_HEIGHT + LEGEND_HEIGHT}" role="img" aria-label="${escapeXml(title)}" font-family="sans-serif">` +
    `<title>${escapeXml(title)}</title><rect width="${WIDTH}" height="${MAP_HEIGHT + LEGEND_HEIGHT}" fill="#fff"/>${inner}${legend}</svg>`;
}
