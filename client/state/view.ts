import { MARK_REASONS, MARK_TIMES } from '../../shared/constants.ts';

/**
 * The built-in map layers a person can switch on and off, in drawing order. The composition root passes the
 * ids of the features it actually lists (client/features/registry.ts), which may be more.
 */
export const LAYER_IDS = ['districts', 'hotspots', 'heatmap', 'points', 'survey', 'marks', 'discrepancy', 'plans', 'citizen-promises'] as const;
/** A layer id: one of LAYER_IDS or the id of another registered feature. */
export type LayerId = string;
export type Metric = 'rate' | 'count' | 'change';
export { MARK_REASONS, MARK_TIMES };
export const SURVEY_GROUPS = ['all', 'kvinna', 'man', '16-19', '20-34', '35-49', '50-64', '65-79', '80+'] as const;
export type SurveyGroup = (typeof SURVEY_GROUPS)[number];

/** The view slice: which layers show and how; serialisable and mirrored in the URL like the filters. */
export interface ViewState {
  layers: LayerId[];
  metric: Metric;
  markReasons: string[];
  markTimes: string[];
  surveyGroup: SurveyGroup;
  /** Emerging-hotspot symbols over the Gi* cells (a heavy analysis: asked for only when switched on). */
  emerging: boolean;
}

export const DEFAULT_VIEW: ViewState = { layers: ['districts'], metric: 'rate', markReasons: [], markTimes: [], surveyGroup: 'all', emerging: false };

/** Applies a partial change; pure. */
export function updateView(view: ViewState, change: Partial<ViewState>): ViewState {
  return { ...view, ...change };
}

/** Switches one layer on or off, keeping the canonical order of `ids`. */
export function toggleLayer(view: ViewState, id: LayerId, on: boolean, ids: readonly string[] = LAYER_IDS): ViewState {
  const set = new Set(view.layers);
  if (on) set.add(id); else set.delete(id);
  return { ...view, layers: ids.filter((l) => set.has(l)) };
}

/** Writes the view into URL parameters (only what differs from the defaults). */
export function viewToSearch(view: ViewState, p = new URLSearchParams()): URLSearchParams {
  if (view.layers.join(',') !== DEFAULT_VIEW.layers.join(',')) p.set('layers', view.layers.join(',') || 'none');
  if (view.metric !== DEFAULT_VIEW.metric) p.set('metric', view.metric);
  if (view.markReasons.length) p.set('reason', view.markReasons.join(','));
  if (view.markTimes.length) p.set('time_of_day', view.markTimes.join(','));
  if (view.surveyGroup !== DEFAULT_VIEW.surveyGroup) p.set('group', view.surveyGroup);
  if (view.emerging) p.set('emerging', '1');
  return p;
}

/** Reads the view from URL parameters, ignoring what it does not recognise (layers not among `ids`). */
export function viewFromSearch(search: string | URLSearchParams, ids: readonly string[] = LAYER_IDS): ViewState {
  const p = typeof search === 'string' ? new URLSearchParams(search) : search;
  const list = (key: string, allowed: readonly string[]) => [...new Set((p.get(key) ?? '').split(',').filter((v) => allowed.includes(v)))];
  const layersParam = p.get('layers');
  const metric = p.get('metric');
  const group = p.get('group') as SurveyGroup | null;
  return {
    layers: layersParam === null ? [...DEFAULT_VIEW.layers] : ids.filter((l) => list('layers', ids).includes(l)),
    metric: metric === 'count' || metric === 'change' ? metric : 'rate',
    markReasons: list('reason', MARK_REASONS),
    markTimes: list('time_of_day', MARK_TIMES),
    surveyGroup: group && (SURVEY_GROUPS as readonly string[]).includes(group) ? group : 'all',
    emerging: p.get('emerging') === '1',
  };
}
