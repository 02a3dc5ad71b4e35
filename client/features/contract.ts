import type { Layer } from '@deck.gl/core';
import type { Availability } from '../api/http.ts';
import type { Lang } from '../i18n.ts';
import type { FilterState } from '../state/filters.ts';
import type { ViewState } from '../state/view.ts';
import type { LegendModel } from '../ui/legend.ts';
import type { DistrictCollection, DistrictStats } from './districts/districts.api.ts';

/** The filter parameters every statistics request shares, for the period the map shows. */
export interface QueryParams { municipality: string; from: string; to: string; category?: string; source?: string }

/** What a feature may base a request on. */
export interface LoadParams {
  query: QueryParams;
  filters: FilterState;
  view: ViewState;
  /** The district level the statistics answered at (survey shares ask for the same). */
  level: string | null;
  /** The districts' bounding box [w, s, e, n] (incident points are asked for within it). */
  bounds: [number, number, number, number] | null;
  /** The time slider is playing: heavy features may answer null from requestKey and keep their data. */
  playing: boolean;
}

/** What a feature's layers, legend and note may depend on besides its own data. */
export interface MapContext {
  districts: DistrictCollection;
  stats: DistrictStats | null;
  filters: FilterState;
  view: ViewState;
  lang: Lang;
  /** The time slider is playing (heavy features keep their last answer). */
  playing: boolean;
  zoom: number;
  viewBox: [number, number, number, number] | undefined;
  /** Another feature's fill covers the district choropleth (the districts then draw as outlines). */
  covered: boolean;
  /** Status of every data key, for features whose legend depends on another's (e.g. emerging patterns). */
  statusOf(id: string): Availability;
  /** Data of another key (read-only), e.g. districts for a layer drawn over district shapes. */
  dataOf<T>(id: string): T | null;
  categoryName(code: string): string;
  select(districtId: number | null): void;
}

/** A text label on the map at a WGS84 position, drawn as HTML above the data (see MapFeature.labels). */
export interface MapLabel { id: string; text: string; position: [number, number] }

/** A layer's entry in the layer list: its switch label and any options beneath it. */
export interface LayerControlSpec {
  label(lang: Lang): string;
  /** HTML of the options shown under the switch while the layer is on; inputs need a `name` and an `id`. */
  options?(lang: Lang): string;
  /** The view change an options input asks for, or null when the input is not this feature's. */
  onInput?(input: HTMLInputElement | HTMLSelectElement, view: ViewState): Partial<ViewState> | null;
  /** Sets the options' inputs from the view (never rebuilding them, so focus stays). */
  sync?(root: HTMLElement, view: ViewState): void;
}

/**
 * One map feature: everything the map needs of it, in one module under client/features/<id>/. The composition
 * root (client/main.ts) lists features; adding one means adding its module to client/features/registry.ts.
 */
export interface MapFeature<D = unknown> {
  /** Stable id: the layer switch, the URL's `layers=` value and the prefix of its deck.gl layer ids. */
  id: string;
  /** Drawing order among features (lower first; fills over the districts use -1); default 0, then list order. */
  order?: number;
  /** Key of the loaded data in the data slice; features sharing a request share a key (default: id). */
  dataKey?: string;
  /** Whether the feature is on (default: its id is in view.layers). */
  active?(view: ViewState): boolean;
  /**
   * A string naming everything the request depends on: when it differs from the loaded data's key, the data is
   * reloaded; null = do not (re)load now, keep what there is.
   */
  requestKey(params: LoadParams): string | null;
  load(params: LoadParams, signal: AbortSignal): Promise<D>;
  /** deck.gl descriptors, rebuilt on every render (cheap); ids are stable and start with the feature id. */
  layers(data: D | null, ctx: MapContext, version: string): Layer[];
  /** Layers drawn above every feature's layers. */
  overlays?(data: D | null, ctx: MapContext, version: string): Layer[];
  /**
   * Text labels, drawn as HTML above every layer. Without a GPU (SwiftShader, many virtual desktops) the first draw
   * of a deck.gl TextLayer cost ~1 s of CPU in the first render (issue 11); a dozen positioned elements cost nothing.
   */
  labels?(data: D | null, ctx: MapContext): MapLabel[];
  legend(data: D, lang: Lang, ctx: MapContext): LegendModel | null;
  /** A short status line under the switch when ready. */
  note?(data: D, lang: Lang, ctx: MapContext): string | undefined;
  /** The feature's fill covers the district choropleth while it has data. */
  coversDistricts?(ctx: MapContext): boolean;
  /** Absent: the feature has no switch of its own (e.g. emerging patterns, an option of hotspots). */
  control?: LayerControlSpec;
  /** Redraw when the resting zoom or view changes this key (e.g. cells ↔ dots); default: never. */
  detailKey?(data: D, ctx: MapContext): string;
}

/** Erases a feature's data type for the list in the registry. */
export function feature<D>(f: MapFeature<D>): MapFeature<unknown> {
  return f as unknown as MapFeature<unknown>;
}

/** The common request parameters of the filters, as a query. */
export function queryOf(params: { municipality: string; from: string; to: string; categories: string[]; sources: string[] }): QueryParams {
  return {
    municipality: params.municipality, from: params.from, to: params.to,
    category: params.categories.join(',') || undefined, source: params.sources.join(',') || undefined,
  };
}

/** A request key from the query and whatever else a feature's request depends on. */
export function keyOf(query: QueryParams, ...extra: unknown[]): string {
  return JSON.stringify([query.municipality, query.from, query.to, query.category ?? '', query.source ?? '', ...extra]);
}

/** What a page or panel over the map may read from the composition root (never another feature). */
export interface PanelContext {
  /** The top bar, where the page puts the button or link that opens it. */
  topbar: HTMLElement;
  /** The municipality the map shows; null until the municipalities have loaded. */
  municipality(): string | null;
  lang(): Lang;
}

/**
 * A page or panel over the map (e.g. the annual report), in one module under client/features/<id>/: the
 * composition root (client/main.ts) mounts each once with a {@link PanelContext}.
 */
export interface PanelModule {
  id: string;
  mount(ctx: PanelContext): void;
}
