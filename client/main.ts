import './styles.css';
import type { Layer } from '@deck.gl/core';
import { DISTRICT_KINDS } from '../shared/categories.ts';
import type { Municipality } from '../shared/municipalities.schema.ts';
import { availabilityOf, getJson, isAbort } from './api/http.ts';
import { fetchMunicipalities } from './api/municipalities.ts';
import { mountAuth } from './features/auth/auth.panel.ts';
import { queryOf, type LoadParams, type MapContext, type MapFeature, type MapLabel, type QueryParams } from './features/contract.ts';
import { DistrictPanel, PANEL_DATA } from './features/districts/district-panel.ts';
import { fetchDistricts, type DistrictCollection, type DistrictStats } from './features/districts/districts.api.ts';
import { collectionBounds } from './features/districts/districts.layers.ts';
import { composeMapPng, districtStatsCsvPackage, districtStatsGeoJson, download, exportMeta, fetchExportStats, recordExport } from './features/exports/exports.ts';
import { mountImports } from './features/imports/imports.panel.ts';
import { mountCitizenPromises } from './features/citizen-promises/citizen-promises.panel.ts';
import { indicatorOptionsOf } from './features/citizen-promises/citizen-promises.view.ts';
import { mountMeetings } from './features/meetings/meetings.page.ts';
import { FEATURES } from './features/registry.ts';
import { reportsPage } from './features/reports/reports.page.ts';
import { t, type Lang } from './i18n.ts';
import { mountSiteChecks } from './features/site-checks/site-checks.panel.ts';
import { createMapView, type MapView } from './map/map.ts';
import {
  dataOf, EMPTY_DATA, entryOf, pendingCount, requestAborted, requestFailed, requestStarted, requestSucceeded, versionOf, type DataState,
} from './state/data.ts';
import { effectivePeriod, updateFilters, type FilterState } from './state/filters.ts';
import { stateFromSearch, stateToSearch } from './state/url.ts';
import { updateView, type ViewState } from './state/view.ts';
import { FilterForm } from './ui/filter-form.ts';
import { LayerControl, type LayerStatus } from './ui/layer-control.ts';
import type { LegendModel } from './ui/legend.ts';
import { Timeline } from './ui/timeline.ts';

/**
 * The composition root: it lists the features (client/features/registry.ts), mounts the panels explicitly and
 * keeps the three serialisable slices — filters, view, data — changing them only through their pure functions.
 * A feature never touches another; what they share reaches them through LoadParams and MapContext.
 */

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const els = {
  form: $<HTMLFormElement>('filters'), layers: $('layers'), panel: $('panel'), status: $('map-status'), name: $('municipality-name'),
  demo: $('demo-badge'), timeline: $('timeline'), exports: $('exports'), auth: $('auth'),
};

const CONTROLLED = FEATURES.filter((f) => f.control);
const LAYER_IDS = CONTROLLED.map((f) => f.id);
const DRAW_ORDER = FEATURES.map((f, i) => ({ f, i })).sort((a, b) => (a.f.order ?? 0) - (b.f.order ?? 0) || a.i - b.i).map((x) => x.f);
const dataKeyOf = (f: MapFeature) => f.dataKey ?? f.id;
const isActive = (f: MapFeature, view: ViewState) => (f.active ? f.active(view) : view.layers.includes(f.id));

// The serialisable state.
const initial = stateFromSearch(location.search, LAYER_IDS);
let filters: FilterState = initial.filters;
let view: ViewState = initial.view;
let data: DataState = EMPTY_DATA;

// The environment the state is shown in (not state: DOM, map, the answers that never change while the page lives).
let map: MapView | null = null;
let municipality: Municipality;
let districts: DistrictCollection | null = null;
let bounds: [number, number, number, number] | null = null;
let zoom = 0;
let viewBox: [number, number, number, number] | undefined;
let detailKey = '';
let cutoff = new Date();
let extraPending = 0;
const controllers = new Map<string, AbortController>();

let filterForm: FilterForm;
let layerControl: LayerControl;
let timeline: Timeline;
let panel: DistrictPanel;
let promisesPanel: { update(): void } | null = null;
// Categories the viewer's statistics named (null: not known, e.g. the statistics were refused).
let permittedCategories: Set<string> | null = null;

function setStatus(text: string, kind: 'info' | 'error' = 'info') {
  els.status.textContent = text;
  els.status.dataset.kind = kind;
  els.status.hidden = !text;
}

const stats = () => dataOf<DistrictStats>(data, 'districts');

function query(): QueryParams {
  const { from, to } = effectivePeriod(filters);
  return queryOf({ municipality: municipality.code, from, to, categories: filters.categories, sources: filters.sources });
}

function loadParams(): LoadParams {
  return { query: query(), filters, view, level: stats()?.level ?? null, bounds, playing: timeline?.playing ?? false };
}

function categoryName(code: string): string {
  const c = municipality.categories.find((x) => x.code === code);
  return c ? (filters.lang === 'sv' ? c.name_sv : c.name_en) : code;
}

function context(): MapContext {
  const ctx: MapContext = {
    districts: districts ?? { type: 'FeatureCollection', features: [] }, stats: stats(), filters, view, lang: filters.lang,
    playing: timeline?.playing ?? false, zoom, viewBox, covered: false,
    statusOf: (id) => entryOf(data, id).status, dataOf: (id) => dataOf(data, id), categoryName,
    select: (id) => setFilters({ selectedDistrict: id }),
  };
  ctx.covered = FEATURES.some((f) => f.coversDistricts && isActive(f, view) && f.coversDistricts(ctx));
  return ctx;
}

/** Starts the request of one data key, superseding the one under way; the answer lands in the data slice. */
function startLoad(f: MapFeature, key: string): Promise<void> {
  const id = dataKeyOf(f);
  controllers.get(id)?.abort();
  const controller = new AbortController();
  controllers.set(id, controller);
  const started = requestStarted(data, id, key);
  data = started.state;
  const params = loadParams();
  return f.load(params, controller.signal).then((value) => {
    data = requestSucceeded(data, id, started.request, value);
    if (id === 'districts') { cutoff = new Date(); if (els.status.dataset.kind === 'error') setStatus(''); }
  }, (error: Error) => {
    if (isAbort(error) || controller.signal.aborted) { data = requestAborted(data, id, started.request); return; }
    data = requestFailed(data, id, started.request, availabilityOf(error), error.message);
    if (id === 'districts') {
      const a = availabilityOf(error);
      setStatus(`${t(filters.lang, a === 'forbidden' ? 'notPermitted' : 'loadError')}: ${error.message}`, 'error');
    }
  }).finally(() => {
    if (controllers.get(id) === controller) controllers.delete(id);
    render();
  });
}

/** Loads what the active features (and an open panel) need and is not loaded for the current parameters. */
function reconcile() {
  const params = loadParams();
  const wanted = new Map<string, MapFeature>();
  for (const f of FEATURES) {
    const id = dataKeyOf(f);
    if (!wanted.has(id) && (isActive(f, view) || (panel?.isOpen() && (PANEL_DATA as readonly string[]).includes(id)))) wanted.set(id, f);
  }
  for (const [id, f] of wanted) {
    const key = f.requestKey(params);
    const entry = entryOf(data, id);
    if (key !== null && key !== entry.key && key !== entry.loadingKey) void startLoad(f, key);
  }
  // A request nobody wants any more (a layer switched off while loading) is dropped.
  for (const [id, controller] of controllers) if (!wanted.has(id)) controller.abort();
}

function buildLayers(ctx: MapContext): Layer[] {
  if (!districts) return [];
  const below: Layer[] = [], above: Layer[] = [];
  for (const f of DRAW_ORDER) {
    if (!isActive(f, view)) continue;
    const id = dataKeyOf(f);
    const d = dataOf(data, id), v = versionOf(data, id);
    below.push(...f.layers(d, ctx, v));
    if (f.overlays) above.push(...f.overlays(d, ctx, v));
  }
  return [...below, ...above];
}

/** The text labels of the active features, drawn as HTML above the map. */
function buildLabels(ctx: MapContext): MapLabel[] {
  if (!districts) return [];
  return DRAW_ORDER.filter((f) => f.labels && isActive(f, view)).flatMap((f) => f.labels!(dataOf(data, dataKeyOf(f)), ctx));
}

/** Status, note and legend of each switchable layer, from the data slice. */
function layerStatuses(ctx: MapContext): Record<string, LayerStatus> {
  const out: Record<string, LayerStatus> = {};
  for (const f of CONTROLLED) {
    const entry = entryOf(data, dataKeyOf(f));
    if (entry.status === 'ready' && entry.data !== null) {
      out[f.id] = { status: 'ready', legend: f.legend(entry.data, filters.lang, ctx) ?? undefined, note: f.note?.(entry.data, filters.lang, ctx) };
    } else if (entry.status === 'ready') {
      out[f.id] = ctx.playing && f.id === 'hotspots' ? { status: 'ready', note: t(filters.lang, 'playingPaused') } : { status: 'ready' };
    } else {
      out[f.id] = { status: entry.status, note: entry.error };
    }
  }
  return out;
}

/** The legends on the map now, also burned into the PNG export. */
function currentLegends(): LegendModel[] {
  const statuses = layerStatuses(context());
  return view.layers.map((id) => statuses[id]).filter((s) => s?.status === 'ready' && s.legend).map((s) => s!.legend!);
}

function render() {
  // Nothing to show until start() has mounted everything (the district panel comes last).
  if (!municipality || !panel) return;
  reconcile();
  // The hash is the meetings' and reports' route (#present/…): a map re-render must not drop it.
  history.replaceState(null, '', `${location.pathname}${stateToSearch(filters, view)}${location.hash}`);
  document.documentElement.lang = filters.lang;
  filterForm.sync(filters);
  timeline.sync(filters);
  const ctx = context();
  const layers = buildLayers(ctx);
  layerControl.sync(view, layerStatuses(ctx), filters.lang);
  map?.setLayers(layers);
  map?.setLabels(buildLabels(ctx));
  const s = stats();
  const districtsEntry = entryOf(data, 'districts');
  if (s && districtsEntry.status === 'ready') {
    const total = s.districts.reduce((sum, d) => sum + (d.count ?? 0), 0);
    if (total === 0 && !s.districts.some((d) => d.suppressed)) setStatus(t(filters.lang, 'empty'));
    else if (els.status.dataset.kind !== 'error') setStatus('');
  }
  panel.update();
  promisesPanel?.update();
  document.body.dataset.ready = districtsEntry.status === 'loading' ? 'false' : 'true';
  document.body.dataset.pending = String(pendingCount(data) + extraPending);
}

/** Applies a filter change; render() then loads what depends on it. */
function setFilters(change: Partial<FilterState>) {
  const before = filters;
  filters = updateFilters(filters, change);
  if (before.lang !== filters.lang) { els.demo.textContent = t(filters.lang, 'demo'); renderExports(); }
  render();
}

/** Applies a view change; render() then loads data for layers that just came on or whose own options changed. */
function setView(change: Partial<ViewState>) {
  view = updateView(view, change);
  render();
}

function renderExports() {
  els.exports.innerHTML = `<span class="exports-label">${t(filters.lang, 'exports')}:</span>
    <button type="button" data-export="png" id="export-png">${t(filters.lang, 'exportPng')}</button>
    <button type="button" data-export="csv" id="export-csv">${t(filters.lang, 'exportCsv')}</button>
    <button type="button" data-export="geojson" id="export-geojson">${t(filters.lang, 'exportGeojson')}</button>`;
}

function mountExports() {
  els.exports.addEventListener('click', (event) => {
    const kind = (event.target as HTMLElement).closest<HTMLElement>('[data-export]')?.dataset.export as 'png' | 'csv' | 'geojson' | undefined;
    const current = stats();
    if (!kind || !current || !districts || !map) return;
    const meta = exportMeta(filters, municipality.name, categoryName, cutoff, filters.lang);
    const base = `lagesbild-${municipality.code}-${current.period.from}`;
    const auditFilters = Object.fromEntries(new URLSearchParams(stateToSearch(filters, view)));
    const shown = districts, mapView = map;
    // Every export is audited first; without the audit row there is no file. CSV and GeoJSON hold the numbers the
    // server computed (and audited) for the export; the PNG is drawn here, so the client reports it.
    const params = { ...query(), compare: filters.compare, level: current.level ?? undefined };
    const work = kind === 'png'
      ? recordExport(kind, municipality.code, auditFilters, current.districts.length).then(async () => download(`${base}.png`, await composeMapPng(mapView.canvases(), currentLegends(), meta, mapView.placedLabels())))
      : fetchExportStats(kind, params).then((exported) => {
        if (kind === 'csv') download(`${base}.zip`, new Blob([districtStatsCsvPackage(base, exported, meta, filters.lang) as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
        else download(`${base}.geojson`, districtStatsGeoJson(shown, exported, meta), 'application/geo+json');
      });
    void work.catch((error: Error) => setStatus(`${t(filters.lang, 'loadError')}: ${error.message}`, 'error'));
  });
}

async function start() {
  setStatus('…');
  extraPending += 1;
  document.body.dataset.pending = '1';
  try {
    // The configuration (which basemap) and the municipalities are asked for at once.
    const configLoad = getJson<{ basemap_style_url: string | null; demo: boolean }>('/api/config');
    configLoad.catch(() => undefined);
    const { municipalities } = await fetchMunicipalities();
    if (!municipalities.length) throw new Error('Ingen kommun är upplagd ännu / no municipality set up yet');
    municipality = municipalities.find((m) => m.code === filters.municipality) ?? municipalities[0];
    filters = updateFilters(filters, { municipality: municipality.code });
    els.name.textContent = `· ${municipality.name}`;
    els.demo.hidden = !municipality.is_demo;
    els.demo.textContent = t(filters.lang, 'demo');
    // Statistics and polygons load in parallel with the map; the polygons are cut to the statistics' level afterwards.
    // A refused or failed statistics request must not leave a blank map: the outlines still draw, the error shows.
    const districtsFeature = FEATURES.find((f) => f.id === 'districts')!;
    const statsLoad = startLoad(districtsFeature, districtsFeature.requestKey(loadParams())!);
    const districtsLoad = fetchDistricts(municipality.code);
    // Handled by the Promise.all below; until then a failure must not surface as an unhandled rejection.
    districtsLoad.catch(() => undefined);
    // The top bar gets its controls before the map measures its container. Filled after the first district frame, it
    // wrapped onto more lines, shrank the map, and MapLibre and deck.gl drew everything again at the new size (issue 11).
    // The districts to search and the permitted categories follow with the statistics.
    filterForm = new FilterForm(els.form, {
      categories: municipality.categories, focusAreas: municipality.focus_areas ?? [], permitted: null, districts: [], onChange: setFilters,
    });
    filterForm.sync(filters);
    renderExports();
    const topbar = document.querySelector<HTMLElement>('.topbar')!;
    // The map (its style, basemap and workers) starts now and does not wait for the basemap: the districts are drawn
    // as soon as their data is in, while MapLibre still loads its style (see MapView.loaded).
    const view0 = createMapView($('map'), (await configLoad).basemap_style_url);
    map = view0;
    mountSiteChecks({ topbar, map: view0.map, municipality: () => municipality.code, period: () => effectivePeriod(filters), lang: () => filters.lang });
    promisesPanel = mountCitizenPromises({
      topbar, view: view0, municipality: () => municipality.code, period: () => effectivePeriod(filters),
      lang: () => filters.lang, categoryName,
      indicatorOptions: (lang: Lang) => indicatorOptionsOf(municipality.categories, permittedCategories, lang),
      showLayers: (ids) => setView({ layers: LAYER_IDS.filter((l) => view.layers.includes(l) || ids.includes(l)) }),
      redraw: () => render(),
    });
    const [, allDistricts] = await Promise.all([statsLoad, districtsLoad]);
    performance.mark('lagesbild:data-loaded');
    const first = stats();
    const kinds = [...DISTRICT_KINDS].reverse().filter((k) => allDistricts.features.some((f) => f.properties.kind === k));
    const level = first ? first.level : (kinds[0] ?? null);
    districts = { ...allDistricts, features: allDistricts.features.filter((f) => level === null || f.properties.kind === level) };
    bounds = collectionBounds(districts);
    if (bounds) view0.fitBounds(bounds);
    const readView = () => {
      zoom = view0.map.getZoom();
      const b = view0.map.getBounds();
      viewBox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
    };
    readView();
    // Re-render only when a layer's detail (cell size, cells ↔ dots, culled area) changes: once per moveend at most.
    view0.map.on('moveend', () => {
      readView();
      const ctx = context();
      const key = FEATURES.filter((f) => f.detailKey && isActive(f, view) && dataOf(data, dataKeyOf(f)) !== null)
        .map((f) => f.detailKey!(dataOf(data, dataKeyOf(f)), ctx)).join('|');
      if (key !== detailKey) { detailKey = key; render(); }
    });
    // Without a category filter the statistics name every category this viewer may see: others are disabled.
    const permitted = first && filters.categories.length === 0 && first.categories ? new Set(first.categories) : null;
    permittedCategories = permitted;
    filterForm.setChoices({
      permitted, districts: districts.features.map((f) => ({ id: f.properties.id, name: f.properties.name })).sort((a, b) => a.name.localeCompare(b.name, 'sv')),
    });
    layerControl = new LayerControl(els.layers, CONTROLLED.map((f) => ({ id: f.id, ...f.control! })), setView);
    timeline = new Timeline(els.timeline, setFilters);
    timeline.onStop = () => render();
    panel = new DistrictPanel(els.panel, {
      filters: () => filters, query, stats, data: (id) => dataOf(data, id), status: (id) => entryOf(data, id).status,
      policeInitiated: () => new Set(municipality.categories.filter((c) => c.police_initiated).map((c) => c.code)),
      categoryName, close: () => setFilters({ selectedDistrict: null }),
      pending: (delta) => { extraPending += delta; document.body.dataset.pending = String(pendingCount(data) + extraPending); },
    });
    if (first) setStatus('');
    render();
    performance.mark('lagesbild:layers-set');
    // Until the basemap is in, the initial view is not complete: `pending` stays above zero (tests and the
    // first-render bench rely on it meaning every request the initial view started is answered).
    await view0.loaded;
  } catch (error) {
    setStatus(`${t(filters.lang, 'loadError')}: ${(error as Error).message}`, 'error');
    document.body.dataset.ready = 'error';
  } finally {
    extraPending -= 1;
    document.body.dataset.pending = String(pendingCount(data) + extraPending);
  }
}

// Panels and controls are mounted here, explicitly, in one place.
if (els.auth) mountAuth(els.auth);
const topbar = document.querySelector<HTMLElement>('.topbar');
if (topbar) {
  mountImports(topbar);
  mountMeetings(topbar);
  reportsPage.mount({ topbar, municipality: () => municipality?.code ?? null, lang: () => filters.lang });
}
mountExports();
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && filters.selectedDistrict !== null) setFilters({ selectedDistrict: null });
});

void start();
