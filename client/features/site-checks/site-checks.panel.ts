import './site-checks.css';
import turfArea from '@turf/area';
import turfCircle from '@turf/circle';
import turfKinks from '@turf/kinks';
import type * as maplibregl from 'maplibre-gl';
import { TerraDraw, TerraDrawPointMode, TerraDrawPolygonMode, TerraDrawSelectMode } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import { t, type Lang, type MessageKey } from '../../i18n.ts';
import { currentViewer } from '../auth/auth.api.ts';
import { fetchSiteCheck, listSiteChecks, runSiteCheck, type SiteReport } from './site-checks.api.ts';
import { areaText, renderSavedList, renderSiteReport } from './site-checks.view.ts';

/** Roles that may run site checks (SPEC §6: planners, analysts, police). */
const SITE_CHECK_ROLES = new Set(['planner', 'analyst', 'police']);
const PREVIEW_SOURCE = 'site-checks-preview';

type Drawn = { type: 'Polygon'; coordinates: number[][][] } | { type: 'Point'; coordinates: number[] };

export interface SiteCheckContext {
  topbar: HTMLElement;
  map: maplibregl.Map;
  municipality: () => string;
  period: () => { from: string; to: string };
  /** The interface language (the filters'); the panel follows it when opened. */
  lang?: () => Lang;
}

/**
 * The site check tool: a "Platskontroll" button opening a side panel where a planner draws a polygon
 * or a point with a radius (terra-draw), sees the area and a self-intersection warning while drawing
 * (@turf/area, @turf/kinks), runs the check, reads the report, saves, reopens and prints it.
 */
export function mountSiteChecks(ctx: SiteCheckContext): void {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'sc-open';
  const lang = (): Lang => ctx.lang?.() ?? 'sv';
  const tr = (key: MessageKey) => t(lang(), key);
  button.textContent = tr('sc_title');
  const panel = document.createElement('aside');
  panel.className = 'sc-panel';
  panel.hidden = true;
  panel.setAttribute('aria-label', tr('sc_title'));
  ctx.topbar.append(button);
  (document.querySelector('.map')?.parentElement ?? document.body).append(panel);

  let draw: TerraDraw | null = null;
  let drawn: Drawn | null = null;
  let report: SiteReport | null = null;

  const refreshVisibility = () => { button.hidden = !SITE_CHECK_ROLES.has(currentViewer().role); };
  refreshVisibility();
  document.addEventListener('lagesbild:viewer', refreshVisibility);

  // Static texts carry their message key, so opening the panel after a language switch relabels them in place
  // (the inputs keep what the planner typed).
  panel.innerHTML = `
    <header><h2 data-i18n="sc_title"></h2><button type="button" data-action="close" data-i18n-label="close">×</button></header>
    <div class="sc-tools" role="group" data-i18n-label="sc_draw">
      <button type="button" data-mode="polygon" data-i18n="sc_polygon"></button>
      <button type="button" data-mode="point" data-i18n="sc_point"></button>
      <label><span data-i18n="sc_buffer"></span> <input type="number" name="buffer" min="0" max="2000" step="10" value="0"></label>
    </div>
    <p class="sc-live" data-role="live" aria-live="polite" data-i18n="sc_pickTool"></p>
    <p class="sc-warning" data-role="warning" hidden></p>
    <div class="sc-actions">
      <button type="button" data-action="run" disabled data-i18n="sc_run"></button>
      <input type="text" name="name" data-i18n-placeholder="sc_namePlaceholder" maxlength="200">
      <button type="button" data-action="save" disabled data-i18n="sc_save"></button>
      <button type="button" data-action="print" disabled data-i18n="sc_print"></button>
    </div>
    <p class="sc-error" data-role="error" role="alert" hidden></p>
    <div data-role="report"></div>
    <h3 data-i18n="sc_saved"></h3>
    <div data-role="saved"></div>`;
  let labelled: Lang | null = null;
  const relabel = () => {
    if (labelled === lang()) return;
    labelled = lang();
    button.textContent = tr('sc_title');
    panel.setAttribute('aria-label', tr('sc_title'));
    for (const el of panel.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = tr(el.dataset.i18n as MessageKey);
    for (const el of panel.querySelectorAll<HTMLElement>('[data-i18n-label]')) el.setAttribute('aria-label', tr(el.dataset.i18nLabel as MessageKey));
    for (const el of panel.querySelectorAll<HTMLInputElement>('[data-i18n-placeholder]')) el.placeholder = tr(el.dataset.i18nPlaceholder as MessageKey);
    if (report) q('[data-role="report"]').innerHTML = renderSiteReport(report, lang());
  };
  const q = <T extends HTMLElement>(sel: string) => panel.querySelector<T>(sel)!;
  const bufferInput = q<HTMLInputElement>('input[name="buffer"]');
  relabel();
  // The role can change with a sign-in and the language with the filters; neither sends an event here.
  setInterval(() => { refreshVisibility(); relabel(); }, 1000);

  const setError = (msg: string | null) => { q('[data-role="error"]').hidden = !msg; q('[data-role="error"]').textContent = msg ?? ''; };
  const enable = () => {
    const ok = drawn !== null && !(drawn.type === 'Point' && Number(bufferInput.value) <= 0);
    q<HTMLButtonElement>('[data-action="run"]').disabled = !ok;
    q<HTMLButtonElement>('[data-action="save"]').disabled = !ok;
    q<HTMLButtonElement>('[data-action="print"]').disabled = report === null;
  };

  const preview = (geometry: GeoJSON.Geometry | null) => {
    const data: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: geometry ? [{ type: 'Feature', properties: {}, geometry }] : [] };
    const source = ctx.map.getSource(PREVIEW_SOURCE) as maplibregl.GeoJSONSource | undefined;
    if (source) source.setData(data);
    else {
      ctx.map.addSource(PREVIEW_SOURCE, { type: 'geojson', data });
      ctx.map.addLayer({ id: 'site-checks-site-fill', type: 'fill', source: PREVIEW_SOURCE, paint: { 'fill-color': '#7b3294', 'fill-opacity': 0.12 } });
      ctx.map.addLayer({ id: 'site-checks-site-line', type: 'line', source: PREVIEW_SOURCE, paint: { 'line-color': '#7b3294', 'line-width': 2, 'line-dasharray': [2, 1] } });
    }
  };

  /** Live feedback while drawing: the area (or the radius circle's area) and whether the polygon crosses itself. */
  const describe = () => {
    const live = q('[data-role="live"]');
    const warning = q('[data-role="warning"]');
    warning.hidden = true;
    if (!drawn) { preview(null); return; }
    const buffer = Number(bufferInput.value) || 0;
    if (drawn.type === 'Point') {
      if (buffer <= 0) { live.textContent = tr('sc_needRadius'); preview(null); return; }
      const circle = turfCircle(drawn.coordinates, buffer / 1000, { steps: 64, units: 'kilometers' });
      preview(circle.geometry);
      live.textContent = `${tr('sc_pointRadius')} ${buffer} m · ${tr('sc_area').toLowerCase()} ${areaText(turfArea(circle), lang())}`;
      return;
    }
    const feature: GeoJSON.Feature<GeoJSON.Polygon> = { type: 'Feature', properties: {}, geometry: drawn };
    preview(buffer > 0 ? drawn : null);
    live.textContent = `${tr('sc_area')} ${areaText(turfArea(feature), lang())}${buffer > 0 ? ` + ${tr('sc_plusBuffer')} ${buffer} m` : ''}`;
    if (turfKinks(feature).features.length) {
      warning.hidden = false;
      warning.textContent = tr('sc_selfIntersects');
    }
  };

  const ensureDraw = () => {
    if (draw) return draw;
    draw = new TerraDraw({
      adapter: new TerraDrawMapLibreGLAdapter({ map: ctx.map }),
      modes: [new TerraDrawPolygonMode(), new TerraDrawPointMode(), new TerraDrawSelectMode({ flags: { polygon: { feature: { draggable: true, coordinates: { draggable: true } } }, point: { feature: { draggable: true } } } })],
    });
    draw.start();
    const pick = () => {
      const features = draw!.getSnapshot().filter((f) => f.geometry.type === 'Polygon' || f.geometry.type === 'Point');
      const last = features[features.length - 1];
      drawn = last ? (last.geometry as Drawn) : null;
      describe();
      enable();
    };
    draw.on('change', () => {
      // While a polygon is being drawn its ring is open: show the area of what is there so far.
      const features = draw!.getSnapshot().filter((f) => f.geometry.type === 'Polygon');
      const current = features[features.length - 1];
      if (current && (current.geometry as GeoJSON.Polygon).coordinates[0].length >= 4) {
        drawn = current.geometry as Drawn;
        describe();
      }
    });
    draw.on('finish', (id) => {
      // One site at a time: a new drawing replaces the old one.
      for (const f of draw!.getSnapshot()) if (f.id !== id) draw!.removeFeatures([f.id!]);
      pick();
    });
    return draw;
  };

  const showReport = (r: SiteReport) => {
    report = r;
    q('[data-role="report"]').innerHTML = renderSiteReport(r, lang());
    preview(r.site as GeoJSON.Geometry);
    enable();
  };

  const refreshSaved = async () => {
    try {
      q('[data-role="saved"]').innerHTML = renderSavedList(await listSiteChecks(ctx.municipality()), lang());
    } catch (error) {
      q('[data-role="saved"]').textContent = (error as Error).message;
    }
  };

  const submit = async (save: boolean) => {
    if (!drawn) return;
    setError(null);
    const name = q<HTMLInputElement>('input[name="name"]').value.trim();
    if (save && !name) { setError(tr('sc_needName')); return; }
    document.body.dataset.siteCheck = 'running';
    try {
      showReport(await runSiteCheck({ municipality: ctx.municipality(), geometry: drawn, buffer_m: Number(bufferInput.value) || 0, ...ctx.period(), ...(save ? { name } : {}) }));
      if (save) await refreshSaved();
      document.body.dataset.siteCheck = save ? 'saved' : 'done';
    } catch (error) {
      setError((error as Error).message);
      document.body.dataset.siteCheck = 'error';
    }
  };

  button.addEventListener('click', () => {
    panel.hidden = !panel.hidden;
    if (!panel.hidden) { relabel(); ensureDraw(); void refreshSaved(); }
  });
  panel.addEventListener('click', (event) => {
    const target = event.target as HTMLElement;
    const mode = target.closest<HTMLElement>('[data-mode]')?.dataset.mode;
    if (mode) {
      const d = ensureDraw();
      d.clear();
      drawn = null;
      report = null;
      if (mode === 'point' && Number(bufferInput.value) <= 0) bufferInput.value = '100';
      d.setMode(mode);
      for (const b of panel.querySelectorAll<HTMLElement>('[data-mode]')) b.setAttribute('aria-pressed', String(b.dataset.mode === mode));
      q('[data-role="live"]').textContent = tr(mode === 'polygon' ? 'sc_hintPolygon' : 'sc_hintPoint');
      describe();
      enable();
    }
    const action = target.closest<HTMLElement>('[data-action]')?.dataset.action;
    if (action === 'close') panel.hidden = true;
    if (action === 'run') void submit(false);
    if (action === 'save') void submit(true);
    if (action === 'print') {
      document.body.classList.add('sc-printing');
      window.print();
      document.body.classList.remove('sc-printing');
    }
    const reopen = target.closest<HTMLElement>('[data-reopen]')?.dataset.reopen;
    if (reopen) {
      setError(null);
      void fetchSiteCheck(Number(reopen)).then((r) => {
        draw?.clear();
        drawn = (r.input_geometry as Drawn | null) ?? null;
        bufferInput.value = String(r.buffer_m);
        q<HTMLInputElement>('input[name="name"]').value = r.name ?? '';
        showReport(r);
        document.body.dataset.siteCheck = 'reopened';
      }).catch((error: Error) => setError(error.message));
    }
  });
  bufferInput.addEventListener('input', () => { describe(); enable(); });
}
