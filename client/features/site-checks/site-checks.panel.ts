import './site-checks.css';
import turfArea from '@turf/area';
import turfCircle from '@turf/circle';
import turfKinks from '@turf/kinks';
import type * as maplibregl from 'maplibre-gl';
import { TerraDraw, TerraDrawPointMode, TerraDrawPolygonMode, TerraDrawSelectMode } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
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
  button.textContent = 'Platskontroll';
  const panel = document.createElement('aside');
  panel.className = 'sc-panel';
  panel.hidden = true;
  panel.setAttribute('aria-label', 'Platskontroll');
  ctx.topbar.append(button);
  (document.querySelector('.map')?.parentElement ?? document.body).append(panel);

  let draw: TerraDraw | null = null;
  let drawn: Drawn | null = null;
  let report: SiteReport | null = null;

  const refreshVisibility = () => { button.hidden = !SITE_CHECK_ROLES.has(currentViewer().role); };
  refreshVisibility();
  document.addEventListener('lagesbild:viewer', refreshVisibility);
  setInterval(refreshVisibility, 1000);

  panel.innerHTML = `
    <header><h2>Platskontroll</h2><button type="button" data-action="close" aria-label="Stäng">×</button></header>
    <div class="sc-tools" role="group" aria-label="Rita">
      <button type="button" data-mode="polygon">Rita område</button>
      <button type="button" data-mode="point">Punkt + radie</button>
      <label>Radie/buffert (m) <input type="number" name="buffer" min="0" max="2000" step="10" value="0"></label>
    </div>
    <p class="sc-live" data-role="live" aria-live="polite">Välj ett verktyg och rita på kartan.</p>
    <p class="sc-warning" data-role="warning" hidden></p>
    <div class="sc-actions">
      <button type="button" data-action="run" disabled>Kör kontroll</button>
      <input type="text" name="name" placeholder="Namn för att spara" maxlength="200">
      <button type="button" data-action="save" disabled>Spara</button>
      <button type="button" data-action="print" disabled>Skriv ut</button>
    </div>
    <p class="sc-error" data-role="error" role="alert" hidden></p>
    <div data-role="report"></div>
    <h3>Sparade platskontroller</h3>
    <div data-role="saved"></div>`;
  const q = <T extends HTMLElement>(sel: string) => panel.querySelector<T>(sel)!;
  const bufferInput = q<HTMLInputElement>('input[name="buffer"]');

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
      if (buffer <= 0) { live.textContent = 'Ange en radie större än 0 m.'; preview(null); return; }
      const circle = turfCircle(drawn.coordinates, buffer / 1000, { steps: 64, units: 'kilometers' });
      preview(circle.geometry);
      live.textContent = `Punkt med radie ${buffer} m · yta ${areaText(turfArea(circle))}`;
      return;
    }
    const feature: GeoJSON.Feature<GeoJSON.Polygon> = { type: 'Feature', properties: {}, geometry: drawn };
    preview(buffer > 0 ? drawn : null);
    live.textContent = `Yta ${areaText(turfArea(feature))}${buffer > 0 ? ` + buffert ${buffer} m` : ''}`;
    if (turfKinks(feature).features.length) {
      warning.hidden = false;
      warning.textContent = 'Området korsar sig självt — rita om det (servern godtar det inte).';
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
    q('[data-role="report"]').innerHTML = renderSiteReport(r);
    preview(r.site as GeoJSON.Geometry);
    enable();
  };

  const refreshSaved = async () => {
    try {
      q('[data-role="saved"]').innerHTML = renderSavedList(await listSiteChecks(ctx.municipality()));
    } catch (error) {
      q('[data-role="saved"]').textContent = (error as Error).message;
    }
  };

  const submit = async (save: boolean) => {
    if (!drawn) return;
    setError(null);
    const name = q<HTMLInputElement>('input[name="name"]').value.trim();
    if (save && !name) { setError('Ange ett namn för att spara.'); return; }
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
    if (!panel.hidden) { ensureDraw(); void refreshSaved(); }
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
      q('[data-role="live"]').textContent = mode === 'polygon' ? 'Klicka ut hörnen, klicka på första punkten för att stänga.' : 'Klicka där platsen ligger.';
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
