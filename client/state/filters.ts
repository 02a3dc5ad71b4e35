import { SOURCES } from '../../shared/categories.ts';
import { addDays, isIsoDate, nextMonthStart, PERIOD_PRESETS, presetPeriod, stockholmToday, type PeriodPreset } from '../../shared/time.ts';
import type { Lang } from '../i18n.ts';

export type { PeriodPreset };
export type Compare = 'previous' | 'year';
export type Step = 'week' | 'month';
export type FrameMode = 'cumulative' | 'window';

/** The one data-filter slice that drives map, charts, tables and exports; mirrored in the URL. */
export interface FilterState {
  municipality: string | null;
  preset: PeriodPreset;
  /** Custom period, half-open [from, to), 'YYYY-MM-DD'; used when preset is 'custom'. */
  from: string | null;
  to: string | null;
  categories: string[];
  sources: string[];
  compare: Compare;
  selectedDistrict: number | null;
  lang: Lang;
  /** Time slider: step size, cumulative or moving window, and the frame shown (null = whole period). */
  step: Step;
  mode: FrameMode;
  frame: number | null;
}

export const DEFAULT_FILTERS: FilterState = {
  municipality: null, preset: 'last12', from: null, to: null, categories: [], sources: [], compare: 'previous',
  selectedDistrict: null, lang: 'sv', step: 'month', mode: 'cumulative', frame: null,
};

const isDate = (s: string | null): s is string => s !== null && isIsoDate(s);

/** The half-open period [from, to) a preset stands for, as of today (shared with the server's date helpers). */
export function periodOf(preset: PeriodPreset, today = stockholmToday(), custom?: { from: string | null; to: string | null }): { from: string; to: string } {
  return presetPeriod(preset, today, custom);
}

/** The state's whole period (preset or custom dates). */
export function statePeriod(state: FilterState, today = stockholmToday()): { from: string; to: string } {
  return periodOf(state.preset, today, state);
}

/** The frames of a period for the time slider: consecutive half-open steps of a week (Monday first) or a calendar month. */
export function timelineSteps(period: { from: string; to: string }, step: Step): { from: string; to: string }[] {
  const steps: { from: string; to: string }[] = [];
  let start = period.from;
  while (start < period.to && steps.length < 600) {
    let end: string;
    if (step === 'week') {
      const dow = (new Date(`${start}T00:00:00Z`).getUTCDay() + 6) % 7;
      end = addDays(start, 7 - dow);
    } else {
      end = nextMonthStart(start);
    }
    if (end > period.to) end = period.to;
    steps.push({ from: start, to: end });
    start = end;
  }
  return steps;
}

/** The period the map shows: the whole period, or the slider frame (from the start, or that step alone). */
export function effectivePeriod(state: FilterState, today = stockholmToday()): { from: string; to: string } {
  const whole = statePeriod(state, today);
  if (state.frame === null) return whole;
  const steps = timelineSteps(whole, state.step);
  if (!steps.length) return whole;
  const frame = steps[Math.max(0, Math.min(steps.length - 1, state.frame))];
  return state.mode === 'cumulative' ? { from: whole.from, to: frame.to } : frame;
}

/** Applies a partial change; pure. Changing the period, step or mode resets the slider frame. */
export function updateFilters(state: FilterState, change: Partial<FilterState>): FilterState {
  const next = { ...state, ...change };
  const periodChanged = (['preset', 'from', 'to', 'step'] as const).some((k) => k in change && change[k] !== state[k]);
  if (periodChanged && !('frame' in change)) next.frame = null;
  if (next.preset === 'custom') {
    if (!isDate(next.from) || !isDate(next.to)) {
      const current = statePeriod(state);
      next.from = isDate(next.from) ? next.from : current.from;
      next.to = isDate(next.to) ? next.to : current.to;
    }
    if (next.from! >= next.to!) next.to = addDays(next.from!, 1);
  }
  return next;
}

/** Toggles one value in a list (categories, sources); pure. */
export function toggleIn(list: string[], value: string, on: boolean): string[] {
  const without = list.filter((v) => v !== value);
  return on ? [...without, value] : without;
}

/** The filter state as URL search parameters (only what differs from the defaults). */
export function filtersToSearch(state: FilterState): URLSearchParams {
  const p = new URLSearchParams();
  if (state.municipality) p.set('municipality', state.municipality);
  if (state.preset !== DEFAULT_FILTERS.preset) p.set('period', state.preset);
  if (state.preset === 'custom' && state.from && state.to) { p.set('from', state.from); p.set('to', state.to); }
  if (state.categories.length) p.set('category', state.categories.join(','));
  if (state.sources.length) p.set('source', state.sources.join(','));
  if (state.compare !== DEFAULT_FILTERS.compare) p.set('compare', state.compare);
  if (state.selectedDistrict !== null) p.set('district', String(state.selectedDistrict));
  if (state.lang !== DEFAULT_FILTERS.lang) p.set('lang', state.lang);
  if (state.step !== DEFAULT_FILTERS.step) p.set('step', state.step);
  if (state.mode !== DEFAULT_FILTERS.mode) p.set('mode', state.mode);
  if (state.frame !== null) p.set('frame', String(state.frame));
  return p;
}

/** Reads a filter state from URL search parameters, ignoring values it does not recognise. */
export function filtersFromSearch(search: string | URLSearchParams): FilterState {
  const p = typeof search === 'string' ? new URLSearchParams(search) : search;
  const preset = p.get('period') as PeriodPreset | null;
  const district = Number(p.get('district'));
  const frame = p.get('frame') === null ? Number.NaN : Number(p.get('frame'));
  const municipality = p.get('municipality');
  const from = p.get('from'), to = p.get('to');
  const customOk = preset === 'custom' && isDate(from) && isDate(to) && from < to;
  return {
    municipality: municipality && /^\d{4}$/.test(municipality) ? municipality : null,
    preset: preset && (PERIOD_PRESETS as readonly string[]).includes(preset) && (preset !== 'custom' || customOk) ? preset : DEFAULT_FILTERS.preset,
    from: customOk ? from : null,
    to: customOk ? to : null,
    categories: [...new Set((p.get('category') ?? '').split(',').filter((c) => /^[a-z_]{2,40}$/.test(c)))],
    sources: [...new Set((p.get('source') ?? '').split(',').filter((s) => (SOURCES as readonly string[]).includes(s)))],
    compare: p.get('compare') === 'year' ? 'year' : 'previous',
    selectedDistrict: Number.isSafeInteger(district) && district > 0 ? district : null,
    lang: p.get('lang') === 'en' ? 'en' : 'sv',
    step: p.get('step') === 'week' ? 'week' : 'month',
    mode: p.get('mode') === 'window' ? 'window' : 'cumulative',
    frame: Number.isSafeInteger(frame) && frame >= 0 && frame < 600 ? frame : null,
  };
}
