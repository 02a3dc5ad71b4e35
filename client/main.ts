import './styles.css';
import { getJson } from './api/http.ts';
import { fetchDistricts, fetchDistrictStats, type DistrictCollection, type DistrictStats } from './features/districts/districts.api.ts';
import { districtLayers } from './features/districts/districts.layers.ts';
import { renderDistrictPanel } from './features/districts/districts.panel.ts';
import { t } from './i18n.ts';
import { createMapView, type MapView } from './map/map.ts';
import { filtersFromSearch, filtersToSearch, periodOf, updateFilters, type FilterState } from './state/filters.ts';
import { quantileBreaks } from './ui/color-scale.ts';
import { renderFilterForm, type CategoryOption } from './ui/filter-form.ts';
import { renderLegend } from './ui/legend.ts';

interface Municipality { code: string; name: string; is_demo: boolean; categories: CategoryOption[] }

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const els = { form: $<HTMLFormElement>('filters'), legend: $('legend'), panel: $('panel'), status: $('map-status'), name: $('municipality-name'), demo: $('demo-badge') };

let state: FilterState = filtersFromSearch(location.search);
let view: MapView;
let municipality: Municipality;
let districts: DistrictCollection;
let stats: DistrictStats | null = null;
let inflight: AbortController | null = null;

function setStatus(text: string, kind: 'info' | 'error' = 'info') {
  els.status.textContent = text;
  els.status.dataset.kind = kind;
  els.status.hidden = !text;
}

function render() {
  if (!stats) return;
  const byId = new Map(stats.districts.map((d) => [d.id, d]));
  const rates = stats.districts.map((d) => d.rate_per_1000);
  const breaks = quantileBreaks(rates);
  const max = Math.max(0, ...rates.filter((r): r is number => r !== null));
  view.setLayers(districtLayers({
    districts, stats: byId, breaks, selectedId: state.selectedDistrict,
    version: `${stats.period.from}|${stats.period.to}|${state.categories.join(',')}|${breaks.join(',')}`,
    onSelect: (id) => setState({ selectedDistrict: id }, false),
  }));
  els.legend.innerHTML = renderLegend(breaks, max, state.lang, stats.unlocated);
  const selected = state.selectedDistrict === null ? undefined : byId.get(state.selectedDistrict);
  els.panel.hidden = !selected;
  els.panel.innerHTML = selected ? renderDistrictPanel(selected, stats, state.lang) : '';
  const total = stats.districts.reduce((s, d) => s + (d.count ?? 0), 0);
  setStatus(total === 0 && !stats.districts.some((d) => d.suppressed) ? t(state.lang, 'empty') : '');
  document.body.dataset.ready = 'true';
}

async function loadStats() {
  inflight?.abort();
  inflight = new AbortController();
  const { from, to } = periodOf(state.preset);
  setStatus(t(state.lang, 'loading'));
  document.body.dataset.ready = 'false';
  try {
    stats = await fetchDistrictStats(
      { municipality: municipality.code, from, to, category: state.categories.join(',') || undefined, compare: state.compare },
      inflight.signal,
    );
    render();
  } catch (error) {
    if ((error as Error).name === 'AbortError') return;
    setStatus(`${t(state.lang, 'loadError')}: ${(error as Error).message}`, 'error');
  }
}

function setState(change: Partial<FilterState>, refetch = true) {
  state = updateFilters(state, change);
  history.replaceState(null, '', `${location.pathname}${filtersToSearch(state)}`);
  document.documentElement.lang = state.lang;
  els.form.innerHTML = renderFilterForm(state, municipality.categories, state.lang);
  if (refetch) void loadStats();
  else render();
}

async function start() {
  setStatus('…');
  try {
    const [config, { municipalities }] = await Promise.all([
      getJson<{ basemap_style_url: string | null; demo: boolean }>('/api/config'),
      getJson<{ municipalities: Municipality[] }>('/api/municipalities'),
    ]);
    if (!municipalities.length) throw new Error('Ingen kommun är upplagd ännu / no municipality set up yet');
    municipality = municipalities.find((m) => m.code === state.municipality) ?? municipalities[0];
    els.name.textContent = `· ${municipality.name}`;
    els.demo.hidden = !municipality.is_demo;
    els.demo.textContent = t(state.lang, 'demo');
    view = await createMapView($('map'), config.basemap_style_url);
    const first = await fetchDistrictStats({ municipality: municipality.code, ...periodOf(state.preset), compare: state.compare, category: state.categories.join(',') || undefined });
    districts = await fetchDistricts(municipality.code, first.level ?? undefined);
    const lons = districts.features.flatMap((f) => JSON.stringify(f.geometry.coordinates).match(/-?\d+\.\d+/g)!.map(Number));
    const xs = lons.filter((_, i) => i % 2 === 0), ys = lons.filter((_, i) => i % 2 === 1);
    if (xs.length) view.fitBounds([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]);
    stats = first;
    setState({ municipality: municipality.code }, false);
  } catch (error) {
    setStatus(`${t(state.lang, 'loadError')}: ${(error as Error).message}`, 'error');
  }
}

els.form.addEventListener('change', (event) => {
  const target = event.target as HTMLSelectElement;
  if (target.name === 'preset') setState({ preset: target.value as FilterState['preset'] });
  if (target.name === 'compare') setState({ compare: target.value as FilterState['compare'] });
  if (target.name === 'category') setState({ categories: target.value ? [target.value] : [] });
  if (target.name === 'lang') setState({ lang: target.value as FilterState['lang'] }, false);
});
els.panel.addEventListener('click', (event) => {
  if ((event.target as HTMLElement).closest('[data-action="close-panel"]')) setState({ selectedDistrict: null }, false);
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && state.selectedDistrict !== null) setState({ selectedDistrict: null }, false);
});

void start();
