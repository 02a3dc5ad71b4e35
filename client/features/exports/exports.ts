import { t, tx, type Lang } from '../../i18n.ts';
import { effectivePeriod, type FilterState } from '../../state/filters.ts';
import { formatPeriod } from '../../ui/format.ts';
import type { LegendModel } from '../../ui/legend.ts';
import { css } from '../../ui/color-scale.ts';
import type { DistrictCollection, DistrictStats } from '../districts/districts.api.ts';
import { getJson, sendJson } from '../../api/http.ts';
import { csvPackage, dialectOf, toCsv } from './csv.ts';

/** What every export states (SPEC §7): title, period, filters, data cut-off and sources. */
export interface ExportMeta { title: string; period: string; filters: string; cutoff: string; sources: string }

/** The export statement for the current state, in the interface language. */
export function exportMeta(state: FilterState, municipalityName: string, categoryName: (code: string) => string, cutoff: Date, lang: Lang): ExportMeta {
  const period = effectivePeriod(state);
  const cats = state.categories.length ? state.categories.map(categoryName).join(', ') : t(lang, 'allCategories');
  const compare = state.compare === 'year' ? t(lang, 'compareYear') : t(lang, 'comparePrevious');
  return {
    title: `${t(lang, 'title')} · ${municipalityName}`,
    period: `${t(lang, 'period')}: ${formatPeriod(period, lang)} (${period.from} – ${period.to}, ${lang === 'sv' ? 't.o.m. dagen före' : 'end exclusive'})`,
    filters: `${t(lang, 'categories')}: ${cats} · ${t(lang, 'compare')} ${compare}`,
    cutoff: `${t(lang, 'dataCutoff')}: ${cutoff.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    sources: `${t(lang, 'sourcesLabel')}: ${state.sources.length ? state.sources.map((s) => tx(lang, `source_${s}`)).join(', ') : t(lang, 'allSources')}`,
  };
}

/**
 * District aggregates as CSV (what the viewer's role already received: suppressed counts stay empty), in the
 * dialect of the interface language: Swedish Excel (`;`, decimal comma) for Swedish.
 */
export function districtStatsCsv(stats: DistrictStats, lang: Lang): string {
  return toCsv(
    ['id', 'name', 'kind', 'population', 'count', 'rate_per_1000', 'previous_count', 'change_pct', 'change_significant', 'p_value', 'suppressed'],
    stats.districts.map((d) => [d.id, d.name, d.kind, d.population, d.count, d.rate_per_1000 === null ? null : Math.round(d.rate_per_1000 * 100) / 100,
      d.previous_count, d.change_pct === null ? null : Math.round(d.change_pct * 10) / 10, d.change_significant, d.p_value, d.suppressed]),
    dialectOf(lang),
  );
}

/** The CSV with its statement (title, period, filters, data cut-off, sources) in a JSON sidecar, zipped together. */
export function districtStatsCsvPackage(baseName: string, stats: DistrictStats, meta: ExportMeta, lang: Lang): Uint8Array {
  return csvPackage(baseName, districtStatsCsv(stats, lang), {
    ...meta, period_from: stats.period.from, period_to: stats.period.to, comparison: stats.comparison, municipality: stats.municipality,
    level: stats.level, unlocated: stats.unlocated, csv: { separator: lang === 'sv' ? ';' : ',', decimal: lang === 'sv' ? ',' : '.', encoding: 'UTF-8 with BOM', line_end: 'CRLF' },
  });
}

/** District polygons with their aggregates as GeoJSON; the statement rides along as a foreign member. */
export function districtStatsGeoJson(districts: DistrictCollection, stats: DistrictStats, meta: ExportMeta): string {
  const byId = new Map(stats.districts.map((d) => [d.id, d]));
  return JSON.stringify({
    type: 'FeatureCollection',
    metadata: { ...meta, period_from: stats.period.from, period_to: stats.period.to, comparison: stats.comparison },
    features: districts.features.filter((f) => byId.has(f.properties.id)).map((f) => {
      const d = byId.get(f.properties.id)!;
      return {
        type: 'Feature', geometry: f.geometry,
        properties: { id: d.id, name: d.name, kind: d.kind, population: d.population, count: d.count, rate_per_1000: d.rate_per_1000,
          previous_count: d.previous_count, change_pct: d.change_pct, change_significant: d.change_significant, p_value: d.p_value, suppressed: d.suppressed },
      };
    }),
  });
}

/** Offers a text or blob for download under a file name. */
export function download(name: string, content: string | Blob, type = 'text/plain'): void {
  const blob = typeof content === 'string' ? new Blob([content], { type }) : content;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Draws the map (basemap and deck.gl canvases) with the legends, title, period, filters, data cut-off and
 * sources burned in, and returns a PNG blob.
 */
export async function composeMapPng(canvases: HTMLCanvasElement[], legends: LegendModel[], meta: ExportMeta, labels: { text: string; x: number; y: number }[] = []): Promise<Blob> {
  const base = canvases[0];
  const w = base.width, h = base.height;
  const scale = w / base.clientWidth || 1;
  const headerH = Math.round(96 * scale);
  const out = document.createElement('canvas');
  out.width = w;
  out.height = h + headerH;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  for (const c of canvases) ctx.drawImage(c, 0, headerH, w, h);
  // The map's labels are HTML over the canvases (client/map/map.ts), so they are drawn in here, haloed as on screen.
  ctx.font = `600 ${Math.round(15 * scale)}px 'Liberation Sans', Arial, sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.lineJoin = 'round';
  ctx.lineWidth = 4 * scale;
  ctx.strokeStyle = 'rgba(255,255,255,0.92)';
  ctx.fillStyle = 'rgb(20,20,30)';
  for (const l of labels) {
    ctx.strokeText(l.text, l.x * scale, headerH + l.y * scale);
    ctx.fillText(l.text, l.x * scale, headerH + l.y * scale);
  }
  ctx.textAlign = 'start';
  ctx.textBaseline = 'alphabetic';
  ctx.fillStyle = '#1d2330';
  ctx.font = `bold ${Math.round(22 * scale)}px 'Liberation Sans', Arial, sans-serif`;
  ctx.fillText(meta.title, 12 * scale, 28 * scale);
  ctx.font = `${Math.round(14 * scale)}px 'Liberation Sans', Arial, sans-serif`;
  ctx.fillText(meta.period, 12 * scale, 50 * scale);
  ctx.fillText(meta.filters, 12 * scale, 68 * scale);
  ctx.fillText(`${meta.cutoff} · ${meta.sources}`, 12 * scale, 86 * scale);
  // Legends stacked in a white box at the lower left of the map.
  const line = 20 * scale, pad = 10 * scale, sw = 14 * scale;
  const lines = legends.reduce((n, l) => n + 1 + l.rows.length + l.notes.length, 0);
  ctx.font = `${Math.round(13 * scale)}px 'Liberation Sans', Arial, sans-serif`;
  const textW = Math.max(160 * scale, ...legends.flatMap((l) => [l.title, ...l.rows.map((r) => r.label), ...l.notes].map((s) => ctx.measureText(s).width + sw + 24 * scale)));
  const boxH = lines * line + pad * 2, boxW = Math.min(w * 0.6, textW + pad * 2);
  let y = out.height - boxH - 12 * scale;
  const x = 12 * scale;
  if (legends.length) {
    ctx.fillStyle = 'rgba(255,255,255,0.95)';
    ctx.fillRect(x, y, boxW, boxH);
    ctx.strokeStyle = '#8a94a3';
    ctx.strokeRect(x, y, boxW, boxH);
  }
  y += pad;
  for (const l of legends) {
    ctx.fillStyle = '#1d2330';
    ctx.font = `bold ${Math.round(13 * scale)}px 'Liberation Sans', Arial, sans-serif`;
    ctx.fillText(l.title, x + pad, y + line * 0.7);
    y += line;
    ctx.font = `${Math.round(13 * scale)}px 'Liberation Sans', Arial, sans-serif`;
    for (const r of l.rows) {
      ctx.fillStyle = css(r.color);
      ctx.fillRect(x + pad, y + 3 * scale, sw, sw);
      ctx.strokeStyle = r.outline ? '#141414' : 'rgba(0,0,0,0.4)';
      ctx.lineWidth = r.outline ? 3 * scale : 1;
      ctx.strokeRect(x + pad, y + 3 * scale, sw, sw);
      ctx.lineWidth = 1;
      ctx.fillStyle = '#1d2330';
      ctx.fillText(r.label, x + pad + sw + 8 * scale, y + line * 0.7);
      y += line;
    }
    for (const n of l.notes) { ctx.fillStyle = '#55606e'; ctx.fillText(n, x + pad, y + line * 0.7); y += line; }
  }
  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
}

/**
 * The district statistics of a CSV or GeoJSON export, from the server route that computes them for this viewer and
 * records the export in the audit log itself (SPEC §6); the file is built from this answer, never without it.
 */
export function fetchExportStats(kind: 'csv' | 'geojson', params: Record<string, string | undefined>): Promise<DistrictStats> {
  return getJson<DistrictStats>('/api/exports/district-stats', { kind, ...params });
}

/** Records a PNG export (drawn in the browser, so the client reports it) before the file is offered; throws when it cannot. */
export async function recordExport(kind: 'png' | 'csv' | 'geojson', municipality: string, filters: Record<string, string>, rows?: number): Promise<void> {
  await sendJson('POST', '/api/exports/audit', { kind, municipality, filters, ...(rows === undefined ? {} : { rows }) });
}
