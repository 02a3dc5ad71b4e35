import './styles.css';
import './features/auth/auth.panel.ts';
import './features/imports/imports.panel.ts';
import type { Layer } from '@deck.gl/core';
import { availabilityOf, getJson, isAbort, type Availability } from './api/http.ts';
import { fetchDiscrepancy, type Discrepancy } from './features/discrepancy/discrepancy.api.ts';
import { fetchDistricts, fetchDistrictStats, type DistrictCollection, type DistrictStats } from './features/districts/districts.api.ts';
import { collectionBounds, districtFillLayer, districtLayers, metricValue } from './features/districts/districts.layers.ts';
import {
  discrepancyHtml, renderDistrictNumbers, renderPanelFrame, sectionBody, surveyHtml, topCategoriesHtml, trendHtml, weekdayHourHtml, yearWheelHtml,
  type PanelSection, type SectionState,
} from './features/districts/districts.panel.ts';
import { composeMapPng, districtStatsCsv, districtStatsGeoJson, download, exportMeta, fetchExportStats, recordExport } from './features/exports/exports.ts';
import { fetchPublicPromises, type PublicPromise } from './features/plans/plans.api.ts';
import { discrepancyCellLayer, promiseLayers } from './features/plans/plans.layers.ts';
import { fetchEmerging, fetchHotspots, type HotspotCollection } from './features/hotspots/hotspots.api.ts';
import { hotspotLayers } from './features/hotspots/hotspots.layers.ts';
import { fetchIncidentPoints, type IncidentPoints } from './features/incidents/incidents.api.ts';
import { cellClasses, heatDetail, heatmapLayers, pointDetail, pointLayers } from './features/incidents/incidents.layers.ts';
import { fetchMarks, type MarkCollection } from './features/survey-marks/survey-marks.api.ts';
import { markLayers } from './features/survey-marks/survey-marks.layers.ts';
import { fetchShares, fetchSurveys, sharesByDistrict, type ShareRow } from './features/surveys/surveys.api.ts';
import { fetchTimePatterns } from './features/time-patterns/time-patterns.api.ts';
import { t, tx } from './i18n.ts';
import { createMapView, type MapView } from './map/map.ts';
import { effectivePeriod, updateFilters, type FilterState } from './state/filters.ts';
import { stateFromSearch, stateToSearch } from './state/url.ts';
import { MARK_REASONS, updateView, type LayerId, type ViewState } from './state/view.ts';
import { DISCREPANCY_COLORS, NO_DATA, quantileBreaks, shareColor } from './ui/color-scale.ts';
import { FilterForm, type CategoryOption, type FocusAreaOption } from './ui/filter-form.ts';
import { formatNumber } from './ui/format.ts';
import { LayerControl, type LayerStatus } from './ui/layer-control.ts';
import { cellLegend, choroplethLegend, dotLegend, discrepancyLegend, heatmapLegend, hotspotLegend, markLegend, surveyLegend, type LegendModel } from './ui/legend.ts';
import { Timeline } from './ui/timeline.ts';

interface Municipality { code: string; name: string; is_demo: boolean; categories: CategoryOption[]; focus_areas: FocusAreaOption[] }

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const els = {
  form: $<HTMLFormElement>('filters'), layers: $('layers'), panel: $('panel'), status: $('map-status'), name: $('municipality-name'),
  demo: $('demo-badge'), timeline: $('timeline'), exports: $('exports'),
};

const initial = stateFromSearch(location.search);
let filters: FilterState = initial.filters;
let view: ViewState = initial.view;
let map: MapView;
let municipality: Municipality;
let districts: DistrictCollection;
let bounds: [number, number, number, number] | null = null;
let zoom = 0;
let viewBox: [number, number, number, number] | undefined;
let detailKey = '';
let cutoff = new Date();

// Data behind the layers; each is replaced whole when its request answers (never mutated).
let stats: DistrictStats | null = null;
let hotspots: HotspotCollection | null = null;
let emerging: HotspotCollection | null = null;
let points: IncidentPoints | null = null;
let marks: MarkCollection | null = null;
let shares: ShareRow[] | null = null;
let discrepancy: Discrepancy | null = null;
let promises: PublicPromise[] | null = null;
const status: Partial<Record<LayerId, LayerStatus>> = {};
const versions: Record<string, number> = {};
const controllers = new Map<string, AbortController>();

let filterForm: FilterForm;
let layerControl: LayerControl;
let timeline: Timeline;

function setStatus(text: string, kind: 'info' | 'error' = 'info') {
  els.status.textContent = text;
  els.status.dataset.kind = kind;
  els.status.hidden = !text;
}

/** The common filter parameters of every statistics request, for the period the map shows. */
function queryParams(): { municipality: string; from: string; to: string; category?: string; source?: string } {
  const { from, to } = effectivePeriod(filters);
  return {
    municipality: municipality.code, from, to,
    category: filters.categories.join(',') || undefined, source: filters.sources.join(',') || undefined,
  };
}

/** Runs one keyed request, aborting the previous one under the same key; the result lands via `apply`. */
async function load<T>(key: string, run: (signal: AbortSignal) => Promise<T>, apply: (value: T) => void, fail: (a: Availability, message: string) => void) {
  controllers.get(key)?.abort();
  const controller = new AbortController();
  controllers.set(key, controller);
  pending(+1);
  try {
    const value = await run(controller.signal);
    if (controller.signal.aborted) return;
    versions[key] = (versions[key] ?? 0) + 1;
    apply(value);
  } catch (error) {
    if (isAbort(error) || controller.signal.aborted) return;
    fail(availabilityOf(error), (error as Error).message);
  } finally {
    pending(-1);
    if (controllers.get(key) === controller) controllers.delete(key);
    renderAll();
  }
}

let inflight = 0;
function pending(delta: number) {
  inflight += delta;
  document.body.dataset.pending = String(inflight);
}

function layerFailed(id: LayerId) {
  return (a: Availability, message: string) => { status[id] = { status: a, note: a === 'error' ? message : undefined }; };
}

function loadStats() {
  status.districts = { status: 'loading' };
  document.body.dataset.ready = 'false';
  void load('stats', (signal) => fetchDistrictStats({ ...queryParams(), compare: filters.compare, level: stats?.level ?? undefined }, signal), (value) => {
    stats = value;
    cutoff = new Date();
    status.districts = { status: 'ready' };
    document.body.dataset.ready = 'true';
    setStatus('');
    refreshPanelNumbers();
  }, (a, message) => {
    // Old numbers under new filters would mislead: drop them (and recolour) and keep the outlines.
    stats = null;
    versions.stats = (versions.stats ?? 0) + 1;
    status.districts = { status: a, note: message };
    setStatus(`${t(filters.lang, a === 'forbidden' ? 'notPermitted' : 'loadError')}: ${message}`, 'error');
    document.body.dataset.ready = 'true';
  });
}

function loadLayerData(which: LayerId[]) {
  const on = (id: LayerId) => view.layers.includes(id) && which.includes(id);
  if (on('hotspots')) {
    // Gi* takes seconds on the embedded database: while the slider plays, keep the last cells and fetch once it stops.
    if (timeline?.playing) {
      status.hotspots = { status: 'ready', note: t(filters.lang, 'playingPaused'), legend: hotspotLegend(filters.lang, emerging !== null) };
    } else {
      status.hotspots = { status: 'loading' };
      controllers.get('emerging')?.abort();
      void load('hotspots', (signal) => fetchHotspots(queryParams(), signal), (value) => {
        hotspots = value;
        status.hotspots = { status: 'ready', legend: hotspotLegend(filters.lang, emerging !== null) };
        if (view.emerging) loadEmerging();
      }, layerFailed('hotspots'));
    }
  }
  if (on('heatmap') || on('points')) {
    for (const id of ['heatmap', 'points'] as const) if (view.layers.includes(id)) status[id] = { status: 'loading' };
    void load('points', (signal) => fetchIncidentPoints({ ...queryParams(), bbox: bounds! }, signal), (value) => {
      points = value;
      const notes: string[] = [`${formatNumber(value.length, filters.lang)} ${t(filters.lang, 'points')}`];
      if (value.truncated) notes.push(`${t(filters.lang, 'truncated')} ${formatNumber(value.length, filters.lang)}`);
      if (value.snappedCount) notes.push(`${formatNumber(value.snappedCount, filters.lang)} ${t(filters.lang, 'snapped')}`);
      status.heatmap = { status: 'ready', note: notes[0], legend: heatmapLegend(filters.lang) };
      status.points = { status: 'ready', note: notes.join(' · ') };
    }, (a, message) => { layerFailed('heatmap')(a, message); layerFailed('points')(a, message); points = null; });
  }
  if (on('marks')) {
    status.marks = { status: 'loading' };
    void load('marks', (signal) => fetchMarks({
      municipality: municipality.code, reason: view.markReasons.join(',') || undefined, time_of_day: view.markTimes.join(',') || undefined,
    }, signal), (value) => {
      marks = value;
      status.marks = { status: 'ready', note: `${formatNumber(value.count, filters.lang)} ${filters.lang === 'sv' ? 'markeringar' : 'marks'}`, legend: markLegend(MARK_REASONS, filters.lang) };
    }, layerFailed('marks'));
  }
  if (on('survey')) loadShares();
  if (on('discrepancy')) loadDiscrepancy();
  if (on('plans')) {
    status.plans = { status: 'loading' };
    void load('plans', (signal) => fetchPublicPromises(municipality.code, signal), (value) => {
      promises = value;
      status.plans = { status: 'ready', note: `${formatNumber(value.length, filters.lang)} ${t(filters.lang, 'promisesCount')}; ${t(filters.lang, 'promisesOnly')}` };
    }, layerFailed('plans'));
  }
}

/** Emerging patterns are slower still: asked for only when switched on, after the cells are on the map. */
function loadEmerging() {
  void load('emerging', (signal) => fetchEmerging(queryParams(), signal), (e) => {
    emerging = e;
    if (status.hotspots?.status === 'ready') status.hotspots.legend = hotspotLegend(filters.lang, true);
  }, () => { emerging = null; });
}

function loadShares(onDone?: () => void) {
  if (view.layers.includes('survey')) status.survey = { status: 'loading' };
  void load('shares', async (signal) => {
    const surveys = await fetchSurveys(municipality.code, signal);
    if (!surveys.length) return [];
    const id = surveys[0].id;
    const parts = await Promise.all(['district', 'district,gender', 'district,age_group'].map((by) => fetchShares(id, by, { municipality: municipality.code, level: stats?.level ?? undefined }, signal)));
    return parts.flat();
  }, (value) => {
    shares = value;
    status.survey = { status: 'ready', legend: surveyLegend(filters.lang, groupLabel()) };
    onDone?.();
  }, (a, message) => { layerFailed('survey')(a, message); shares = null; onDone?.(); });
}

function loadDiscrepancy(onDone?: () => void) {
  if (view.layers.includes('discrepancy')) status.discrepancy = { status: 'loading' };
  void load('discrepancy', (signal) => fetchDiscrepancy(queryParams(), signal), (value) => {
    discrepancy = value;
    status.discrepancy = { status: 'ready', legend: discrepancyLegend(filters.lang) };
    onDone?.();
  }, (a, message) => { layerFailed('discrepancy')(a, message); discrepancy = null; onDone?.(); });
}

function groupLabel(): string {
  return /\d/.test(view.surveyGroup) ? view.surveyGroup : tx(filters.lang, `group_${view.surveyGroup}`);
}

/** The current legends, also burned into the PNG export. */
function currentLegends(): LegendModel[] {
  const out: LegendModel[] = [];
  for (const id of view.layers) {
    if (id === 'districts') { if (status.districts?.legend) out.push(status.districts.legend); } else { const l = status[id]?.status === 'ready' ? status[id]?.legend : undefined; if (l) out.push(l); }
  }
  return out;
}

function breaksFor(metric: ViewState['metric']): number[] {
  return stats && metric !== 'change' ? quantileBreaks(stats.districts.map((d) => metricValue(d, metric))) : [];
}

function districtLegend(): LegendModel {
  const values = stats!.districts.map((d) => metricValue(d, view.metric)).filter((v): v is number => v !== null);
  return choroplethLegend(view.metric, breaksFor(view.metric), values.length ? Math.max(...values) : null, filters.lang, stats!.unlocated);
}

/**
 * The heatmap shares the choropleth's sequential palette, so under it the districts show as outlines (as under
 * the survey and discrepancy fills); one fewer layer covering the screen also keeps software WebGL fluid.
 */
function heatCovers(): boolean {
  return view.layers.includes('heatmap') && points !== null;
}

/** Rebuilds every deck.gl layer descriptor from state (cheap; stable ids and updateTriggers do the rest). */
function buildLayers(): Layer[] {
  if (!districts) return [];
  const layers: Layer[] = [];
  const byId = new Map((stats?.districts ?? []).map((d) => [d.id, d]));
  const v = (key: string) => `${key}:${versions[key] ?? 0}`;
  const showDistricts = view.layers.includes('districts');
  if (view.layers.includes('survey') && shares) {
    const byDistrict = sharesByDistrict(shares, view.surveyGroup);
    layers.push(districtFillLayer('survey-fill', districts, (f) => {
      const r = byDistrict.get(f.properties.id);
      return [...(r && !r.suppressed ? shareColor(r.share) : NO_DATA), 215];
    }, `${v('shares')}|${view.surveyGroup}`));
  }
  if (view.layers.includes('discrepancy') && discrepancy) {
    const byDistrict = new Map(discrepancy.districts.map((r) => [r.district_id, r.class]));
    layers.push(districtFillLayer('discrepancy-fill', districts, (f) => [...(DISCREPANCY_COLORS[byDistrict.get(f.properties.id) ?? ''] ?? NO_DATA), 215], v('discrepancy')));
    if (discrepancy.cells) layers.push(discrepancyCellLayer(discrepancy.cells, v('discrepancy')));
  }
  const otherFill = layers.length > 0 || heatCovers();
  const [fill, labels] = districtLayers({
    districts, stats: byId, metric: view.metric, breaks: breaksFor(view.metric), selectedId: filters.selectedDistrict,
    version: v('stats'), onSelect: (id) => setFilters({ selectedDistrict: id }),
  }, { fill: showDistricts && !otherFill });
  layers.unshift(fill);
  if (view.layers.includes('hotspots') && hotspots) layers.push(...hotspotLayers(hotspots, view.emerging ? emerging : null, `${v('hotspots')}|${v('emerging')}|${view.emerging}`));
  if (view.layers.includes('heatmap') && points) layers.push(...heatmapLayers(points, v('points'), zoom, viewBox));
  if (view.layers.includes('points') && points) layers.push(...pointLayers(points, zoom, v('points'), viewBox));
  if (view.layers.includes('marks') && marks) layers.push(...markLayers(marks, view.markReasons, `${v('marks')}`));
  if (view.layers.includes('plans') && promises?.length) layers.push(...promiseLayers(districts, promises, v('plans')));
  layers.push(labels);
  return layers;
}

function renderAll() {
  if (!municipality) return;
  history.replaceState(null, '', `${location.pathname}${stateToSearch(filters, view)}`);
  document.documentElement.lang = filters.lang;
  filterForm.sync(filters);
  timeline.sync(filters);
  // Built before the statuses: the points legend names the count classes of the cells just built.
  const layers = buildLayers();
  if (stats && status.districts?.status === 'ready') {
    // A survey, discrepancy or heatmap fill covers the choropleth: districts then show as outlines, without their legend.
    const covered = view.layers.includes('survey') && shares !== null || view.layers.includes('discrepancy') && discrepancy !== null || heatCovers();
    status.districts.legend = covered ? undefined : districtLegend();
    status.districts.note = covered ? t(filters.lang, 'outlinesOnly') : undefined;
  }
  if (status.survey?.status === 'ready') status.survey.legend = surveyLegend(filters.lang, groupLabel());
  if (status.points?.status === 'ready' && points) {
    const parts = [`${formatNumber(points.length, filters.lang)} ${t(filters.lang, 'points')}`];
    if (points.truncated) parts.push(`${t(filters.lang, 'truncated')} ${formatNumber(points.length, filters.lang)}`);
    if (points.snappedCount) parts.push(`${formatNumber(points.snappedCount, filters.lang)} ${t(filters.lang, 'snapped')}`);
    const detail = pointDetail(points, zoom, viewBox);
    if (detail.mode === 'cells') parts.push(t(filters.lang, 'binned'));
    status.points.note = parts.join(' · ');
    const classes = detail.mode === 'cells' ? cellClasses(points) : null;
    status.points.legend = classes ? cellLegend(classes.breaks, classes.max, detail.cellM, filters.lang) : dotLegend(points.categories.map(categoryName), filters.lang);
  }
  layerControl.sync(view, status, filters.lang);
  map?.setLayers(layers);
  if (stats && status.districts?.status === 'ready') {
    const total = stats.districts.reduce((s, d) => s + (d.count ?? 0), 0);
    if (total === 0 && !stats.districts.some((d) => d.suppressed)) setStatus(t(filters.lang, 'empty'));
    else if (els.status.dataset.kind !== 'error') setStatus('');
  }
  els.panel.hidden = filters.selectedDistrict === null || !stats?.districts.some((d) => d.id === filters.selectedDistrict);
}

// ----- District panel -----
let panelFor: string | null = null;

function refreshPanelNumbers() {
  const stat = stats?.districts.find((d) => d.id === filters.selectedDistrict);
  if (!stat || !stats) return;
  const key = `${stat.id}|${filters.lang}`;
  if (panelFor !== key) {
    els.panel.innerHTML = renderPanelFrame(stat, stats, filters.lang);
    panelFor = key;
  } else {
    els.panel.querySelector('[data-part="numbers"]')!.innerHTML = renderDistrictNumbers(stat, stats, filters.lang);
  }
  loadPanelSections(stat.id);
}

function setSection(name: PanelSection, state: SectionState) {
  const section = els.panel.querySelector<HTMLElement>(`[data-section="${name}"]`);
  if (!section) return;
  section.querySelector('.section-body')!.innerHTML = sectionBody(state, filters.lang);
  section.setAttribute('aria-busy', String(state.status === 'loading'));
  section.dataset.status = state.status;
}

function loadPanelSections(districtId: number) {
  const lang = filters.lang;
  const fail = (names: PanelSection[]) => (a: Availability, message: string) => names.forEach((n) => setSection(n, { status: a, message }));
  const policeInitiated = new Set(municipality.categories.filter((c) => c.police_initiated).map((c) => c.code));
  void load('panel-time', (signal) => fetchTimePatterns({ ...queryParams(), district: districtId }, signal), (time) => {
    setSection('trend', { status: 'ready', html: trendHtml(time, lang) });
    setSection('weekday-hour', { status: 'ready', html: weekdayHourHtml(time, lang) });
    setSection('year-wheel', { status: 'ready', html: yearWheelHtml(time, lang) });
    setSection('categories', { status: 'ready', html: topCategoriesHtml(time.categoryTotals.map((c) => ({ code: c.code, name: categoryName(c.code), count: c.count })), lang, policeInitiated) });
  }, fail(['trend', 'weekday-hour', 'year-wheel', 'categories']));
  const showSurvey = () => (shares ? setSection('survey', { status: 'ready', html: surveyHtml(shares, districtId, lang) }) : setSection('survey', { status: status.survey?.status ?? 'unavailable' }));
  if (shares) showSurvey(); else loadShares(showSurvey);
  const showDiscrepancy = () => {
    if (!discrepancy) return setSection('discrepancy', { status: status.discrepancy?.status ?? 'unavailable' });
    const row = discrepancy.districts.find((r) => r.district_id === districtId);
    setSection('discrepancy', { status: 'ready', html: discrepancyHtml(row, discrepancy.descriptions, lang) });
  };
  loadDiscrepancy(showDiscrepancy);
}

// ----- State changes -----
const DATA_KEYS: (keyof FilterState)[] = ['municipality', 'preset', 'from', 'to', 'categories', 'sources', 'compare', 'step', 'mode', 'frame'];

/** Applies a filter change: refetches what depends on it, then re-renders from state. */
function setFilters(change: Partial<FilterState>) {
  const before = filters;
  filters = updateFilters(filters, change);
  const dataChanged = DATA_KEYS.some((k) => JSON.stringify(before[k]) !== JSON.stringify(filters[k]));
  if (dataChanged) {
    loadStats();
    loadLayerData(['hotspots', 'heatmap', 'points', 'discrepancy']);
  }
  if (before.lang !== filters.lang) { panelFor = null; els.demo.textContent = t(filters.lang, 'demo'); renderExports(); }
  if (before.selectedDistrict !== filters.selectedDistrict || before.lang !== filters.lang) {
    panelFor = null;
    if (filters.selectedDistrict !== null && !dataChanged) refreshPanelNumbers();
  }
  renderAll();
}

/** Applies a view change: loads data for layers that just came on or whose own filters changed. */
function setView(change: Partial<ViewState>) {
  const before = view;
  view = updateView(view, change);
  const turnedOn = view.layers.filter((l) => !before.layers.includes(l));
  const marksChanged = before.markReasons.join() !== view.markReasons.join() || before.markTimes.join() !== view.markTimes.join();
  const needed = turnedOn.filter((l) => (l === 'heatmap' || l === 'points') ? !points : true);
  if (marksChanged) needed.push('marks');
  if (view.emerging && !before.emerging && view.layers.includes('hotspots') && hotspots) loadEmerging();
  if (!view.emerging) { controllers.get('emerging')?.abort(); emerging = null; }
  if (needed.length) loadLayerData(needed);
  renderAll();
}

async function exportPng() {
  const meta = exportMeta(filters, municipality.name, categoryName, cutoff, filters.lang);
  const blob = await composeMapPng(map.canvases(), currentLegends(), meta);
  download(`lagesbild-${municipality.code}-${effectivePeriod(filters).from}.png`, blob);
}

function categoryName(code: string): string {
  const c = municipality.categories.find((x) => x.code === code);
  return c ? (filters.lang === 'sv' ? c.name_sv : c.name_en) : code;
}

function renderExports() {
  els.exports.innerHTML = `<span class="exports-label">${t(filters.lang, 'exports')}:</span>
    <button type="button" data-export="png" id="export-png">${t(filters.lang, 'exportPng')}</button>
    <button type="button" data-export="csv" id="export-csv">${t(filters.lang, 'exportCsv')}</button>
    <button type="button" data-export="geojson" id="export-geojson">${t(filters.lang, 'exportGeojson')}</button>`;
}

async function start() {
  setStatus('…');
  pending(+1);
  try {
    const [config, { municipalities }] = await Promise.all([
      getJson<{ basemap_style_url: string | null; demo: boolean }>('/api/config'),
      getJson<{ municipalities: Municipality[] }>('/api/municipalities'),
    ]);
    if (!municipalities.length) throw new Error('Ingen kommun är upplagd ännu / no municipality set up yet');
    municipality = municipalities.find((m) => m.code === filters.municipality) ?? municipalities[0];
    els.name.textContent = `· ${municipality.name}`;
    els.demo.hidden = !municipality.is_demo;
    els.demo.textContent = t(filters.lang, 'demo');
    // Map, statistics and polygons load in parallel; the polygons are cut to the statistics' level afterwards.
    // A refused or failed statistics request must not leave a blank map: the outlines still draw, the error shows.
    const [view0, first, allDistricts] = await Promise.all([
      createMapView($('map'), config.basemap_style_url),
      fetchDistrictStats({ ...queryParamsFor(municipality.code), compare: filters.compare }).catch((error: Error) => error),
      fetchDistricts(municipality.code),
    ]);
    map = view0;
    performance.mark('lagesbild:data-loaded');
    const kinds = ['omrade', 'stadsdel', 'kommundel'].filter((k) => allDistricts.features.some((f) => f.properties.kind === k));
    const level = first instanceof Error ? (kinds[0] ?? null) : first.level;
    districts = { ...allDistricts, features: allDistricts.features.filter((f) => level === null || f.properties.kind === level) };
    bounds = collectionBounds(districts);
    if (bounds) map.fitBounds(bounds);
    zoom = map.map.getZoom();
    const b0 = map.map.getBounds();
    viewBox = [b0.getWest(), b0.getSouth(), b0.getEast(), b0.getNorth()];
    // Re-render only when the incident layers must change cell size, switch between cells and dots or cull to a
    // new area: once per moveend at most, never per frame.
    map.map.on('moveend', () => {
      zoom = map.map.getZoom();
      const b = map.map.getBounds();
      viewBox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
      if (!points) return;
      const key = `${view.layers.includes('points') ? pointDetail(points, zoom, viewBox).key : ''}|${view.layers.includes('heatmap') ? heatDetail(zoom, viewBox).key : ''}`;
      if (key !== detailKey) { detailKey = key; renderAll(); }
    });
    if (first instanceof Error) {
      status.districts = { status: availabilityOf(first), note: first.message };
      setStatus(`${t(filters.lang, availabilityOf(first) === 'forbidden' ? 'notPermitted' : 'loadError')}: ${first.message}`, 'error');
    } else {
      stats = first;
      status.districts = { status: 'ready' };
    }
    filters = updateFilters(filters, { municipality: municipality.code });
    // Without a category filter the statistics name every category this viewer may see: others are disabled.
    const permitted = !(first instanceof Error) && filters.categories.length === 0 && first.categories ? new Set(first.categories) : null;
    filterForm = new FilterForm(els.form, {
      categories: municipality.categories, focusAreas: municipality.focus_areas ?? [], permitted,
      districts: districts.features.map((f) => ({ id: f.properties.id, name: f.properties.name })).sort((a, b) => a.name.localeCompare(b.name, 'sv')),
      onChange: setFilters,
    });
    layerControl = new LayerControl(els.layers, setView);
    timeline = new Timeline(els.timeline, setFilters);
    timeline.onStop = () => loadLayerData(['hotspots']);
    renderExports();
    loadLayerData([...view.layers]);
    if (filters.selectedDistrict !== null) refreshPanelNumbers();
    if (stats) setStatus('');
    renderAll();
    performance.mark('lagesbild:layers-set');
    document.body.dataset.ready = 'true';
  } catch (error) {
    setStatus(`${t(filters.lang, 'loadError')}: ${(error as Error).message}`, 'error');
    document.body.dataset.ready = 'error';
  } finally {
    pending(-1);
  }
}

function queryParamsFor(code: string) {
  const { from, to } = effectivePeriod(filters);
  return { municipality: code, from, to, category: filters.categories.join(',') || undefined, source: filters.sources.join(',') || undefined };
}

els.panel.addEventListener('click', (event) => {
  if ((event.target as HTMLElement).closest('[data-action="close-panel"]')) setFilters({ selectedDistrict: null });
});
els.exports.addEventListener('click', (event) => {
  const kind = (event.target as HTMLElement).closest<HTMLElement>('[data-export]')?.dataset.export as 'png' | 'csv' | 'geojson' | undefined;
  if (!kind || !stats) return;
  const current = stats;
  const meta = exportMeta(filters, municipality.name, categoryName, cutoff, filters.lang);
  const base = `lagesbild-${municipality.code}-${current.period.from}`;
  const auditFilters = Object.fromEntries(new URLSearchParams(stateToSearch(filters, view)));
  // Every export is audited first; without the audit row there is no file. CSV and GeoJSON hold the numbers the
  // server computed (and audited) for the export; the PNG is drawn here, so the client reports it.
  const params = { ...queryParams(), compare: filters.compare, level: current.level ?? undefined };
  const work = kind === 'png'
    ? recordExport(kind, municipality.code, auditFilters, current.districts.length).then(() => exportPng())
    : fetchExportStats(kind, params).then((exported) => {
      if (kind === 'csv') download(`${base}.csv`, districtStatsCsv(exported, meta), 'text/csv;charset=utf-8');
      else download(`${base}.geojson`, districtStatsGeoJson(districts, exported, meta), 'application/geo+json');
    });
  void work.catch((error: Error) => setStatus(`${t(filters.lang, 'loadError')}: ${error.message}`, 'error'));
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && filters.selectedDistrict !== null) setFilters({ selectedDistrict: null });
});

void start();
