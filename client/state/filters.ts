import type { Lang } from '../i18n.ts';

export type PeriodPreset = 'last30' | 'last12' | 'thisYear' | 'lastYear';
export type Compare = 'previous' | 'year';

/** The one filter state that drives map, panel and exports; mirrored in the URL. */
export interface FilterState {
  municipality: string | null;
  preset: PeriodPreset;
  categories: string[];
  compare: Compare;
  selectedDistrict: number | null;
  lang: Lang;
}

export const DEFAULT_FILTERS: FilterState = {
  municipality: null, preset: 'last12', categories: [], compare: 'previous', selectedDistrict: null, lang: 'sv',
};

const PRESETS: PeriodPreset[] = ['last30', 'last12', 'thisYear', 'lastYear'];

/** Today's date in Stockholm as 'YYYY-MM-DD'. */
export function stockholmToday(now = new Date()): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

function shift(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The half-open period [from, to) a preset stands for, as of today. */
export function periodOf(preset: PeriodPreset, today = stockholmToday()): { from: string; to: string } {
  const tomorrow = shift(today, 1);
  const year = Number(today.slice(0, 4));
  switch (preset) {
    case 'last30': return { from: shift(tomorrow, -30), to: tomorrow };
    case 'last12': return { from: `${year - 1}${tomorrow.slice(4)}`, to: tomorrow };
    case 'thisYear': return { from: `${year}-01-01`, to: tomorrow };
    case 'lastYear': return { from: `${year - 1}-01-01`, to: `${year}-01-01` };
  }
}

/** Applies a partial change; pure, so tests and the URL round-trip are simple. */
export function updateFilters(state: FilterState, change: Partial<FilterState>): FilterState {
  return { ...state, ...change };
}

/** The filter state as URL search parameters (only what differs from the defaults). */
export function filtersToSearch(state: FilterState): string {
  const p = new URLSearchParams();
  if (state.municipality) p.set('municipality', state.municipality);
  if (state.preset !== DEFAULT_FILTERS.preset) p.set('period', state.preset);
  if (state.categories.length) p.set('category', state.categories.join(','));
  if (state.compare !== DEFAULT_FILTERS.compare) p.set('compare', state.compare);
  if (state.selectedDistrict !== null) p.set('district', String(state.selectedDistrict));
  if (state.lang !== DEFAULT_FILTERS.lang) p.set('lang', state.lang);
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** Reads a filter state from URL search parameters, ignoring values it does not recognise. */
export function filtersFromSearch(search: string): FilterState {
  const p = new URLSearchParams(search);
  const preset = p.get('period') as PeriodPreset | null;
  const compare = p.get('compare');
  const district = Number(p.get('district'));
  const municipality = p.get('municipality');
  return {
    municipality: municipality && /^\d{4}$/.test(municipality) ? municipality : null,
    preset: preset && PRESETS.includes(preset) ? preset : DEFAULT_FILTERS.preset,
    categories: (p.get('category') ?? '').split(',').filter((c) => /^[a-z_]{2,40}$/.test(c)),
    compare: compare === 'year' ? 'year' : 'previous',
    selectedDistrict: Number.isSafeInteger(district) && district > 0 ? district : null,
    lang: p.get('lang') === 'en' ? 'en' : 'sv',
  };
}
