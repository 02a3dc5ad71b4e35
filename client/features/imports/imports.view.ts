import { SOURCES } from '../../../shared/categories.ts';
import { tx } from '../../i18n.ts';
import type { ImportBatch, ImportKind, ImportSummary } from './imports.api.ts';

/** Everything the upload panel shows, as one serialisable state. */
export interface ImportPanelState {
  open: boolean;
  kind: ImportKind;
  municipalities: { code: string; name: string }[];
  busy: boolean;
  summary: ImportSummary | null;
  error: string | null;
  batches: ImportBatch[];
}

/** The panel closed, with nothing imported yet. */
export function initialImportState(): ImportPanelState {
  return { open: false, kind: 'incidents', municipalities: [], busy: false, summary: null, error: null, batches: [] };
}

const KIND_LABELS: Record<ImportKind, string> = {
  incidents: 'Händelser (CSV eller GeoJSON)',
  districts: 'Områdesgränser (GeoJSON)',
  survey: 'Trygghetsmätning (svar + markeringar)',
  'category-mapping': 'Kategoriöversättning (CSV)',
};

const BATCH_KIND_LABELS: Record<string, string> = {
  incidents: 'Händelser',
  districts: 'Områden',
  survey: 'Enkät',
  category_mapping: 'Kategoriöversättning',
  demo: 'Demodata',
};

/** Batch kinds that can be rolled back. */
const ROLLBACK_KINDS = new Set(['incidents', 'districts', 'survey']);

// The source list is the shared one; the labels are the interface's.
const SOURCE_OPTIONS: [string, string][] = [['', 'Enligt kolumnen källa i filen'], ...SOURCES.map((s): [string, string] => [s, tx('sv', `source_${s}`)])];

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A whole number with Swedish thousands spacing ("12 345"). */
export function formatCount(n: number): string {
  return n.toLocaleString('sv-SE').replace(/\u00a0/g, ' ');
}

/** The summary's counts as short Swedish phrases, e.g. ["3 nya", "1 ändrad", …]. */
export function summaryCounts(summary: ImportSummary): string[] {
  const parts = [
    `${formatCount(summary.accepted)} nya`,
    `${formatCount(summary.updated)} ${summary.updated === 1 ? 'ändrad' : 'ändrade'}`,
    `${formatCount(summary.unchanged)} oförändrade`,
  ];
  if (summary.unlocated) parts.push(`${formatCount(summary.unlocated)} utan plats`);
  parts.push(`${formatCount(summary.rejected)} avvisade`);
  return parts;
}

/** The summary as HTML: a headline saying whether anything was saved, the counts, and the rejected rows one by one. */
export function renderImportSummary(summary: ImportSummary): string {
  const headline = summary.written
    ? `<p class="import-result ok" role="status">Importen är sparad${summary.batch !== null ? ` (import ${summary.batch})` : ''}.</p>`
    : '<p class="import-result rejected" role="alert">Filen avvisades — ingenting har sparats.</p>';
  const counts = `<p class="import-counts">${summaryCounts(summary).map(escapeHtml).join(' · ')}</p>`;
  const message = `<p class="import-message">${escapeHtml(summary.message)}</p>`;
  if (summary.errors.length === 0) return headline + counts + message;
  const rows = summary.errors
    .map((e) => `<tr><td class="num">${e.row === 0 ? 'hela filen' : e.row}</td><td>${escapeHtml(e.field || '—')}</td><td>${escapeHtml(e.message)}</td></tr>`)
    .join('');
  const more = summary.errors_omitted > 0 ? `<p class="import-more">… och ${formatCount(summary.errors_omitted)} fel till som inte visas här. Importera från kommandoraden med --rejects för en fil med alla avvisade rader.</p>` : '';
  return `${headline}${counts}${message}
    <table class="import-errors"><caption>Avvisade rader (rad = datarad, rubrikraden räknas inte)</caption>
      <thead><tr><th scope="col">Rad</th><th scope="col">Fält</th><th scope="col">Vad är fel</th></tr></thead>
      <tbody>${rows}</tbody></table>${more}`;
}

/** The list of earlier imports with a rollback button for each committed one. */
export function renderBatches(batches: ImportBatch[]): string {
  if (batches.length === 0) return '<p class="muted">Inga importer ännu.</p>';
  const rows = batches
    .map((b) => {
      const when = new Date(b.created_at).toLocaleString('sv-SE', { timeZone: 'Europe/Stockholm' });
      const action = b.status === 'committed' && ROLLBACK_KINDS.has(b.kind)
        ? `<button type="button" data-action="rollback" data-batch="${b.id}">Ångra</button>`
        : b.status === 'rolled_back' ? '<span class="muted">ångrad</span>' : '';
      return `<tr><td class="num">${b.id}</td><td>${escapeHtml(BATCH_KIND_LABELS[b.kind] ?? b.kind)}</td><td>${escapeHtml(b.file_name ?? '')}</td>`
        + `<td>${escapeHtml(when)}</td><td>${escapeHtml(b.created_by)}</td><td class="num">${formatCount(b.accepted)} / ${formatCount(b.updated)} / ${formatCount(b.rejected)}</td><td>${action}</td></tr>`;
    })
    .join('');
  return `<table class="import-batches"><caption>Tidigare importer</caption>
    <thead><tr><th scope="col">Nr</th><th scope="col">Typ</th><th scope="col">Fil</th><th scope="col">När</th><th scope="col">Vem</th><th scope="col">Nya / ändrade / avvisade</th><th scope="col"></th></tr></thead>
    <tbody>${rows}</tbody></table>`;
}

function kindFields(kind: ImportKind): string {
  if (kind === 'incidents') {
    return `<label>Källa för rader utan källa <select name="source">${SOURCE_OPTIONS.map(([v, l]) => `<option value="${v}">${escapeHtml(l)}</option>`).join('')}</select></label>
      <label>Koordinatsystem <select name="crs"><option value="">Enligt filen (SWEREF 99 TM för n/e, WGS84 för lat/lon)</option><option value="EPSG:3006">SWEREF 99 TM (EPSG:3006)</option><option value="EPSG:4326">WGS84 (EPSG:4326)</option></select></label>
      <label class="check"><input type="checkbox" name="allow_rejects" value="true" /> Spara de godkända raderna även om några avvisas</label>`;
  }
  if (kind === 'districts') {
    return `<label>Nivå <select name="kind"><option value="omrade">Område</option><option value="stadsdel">Stadsdel</option><option value="kommundel">Kommundel</option></select></label>
      <label>Namnfält (valfritt) <input name="name_field" placeholder="t.ex. NAMN" /></label>
      <label>Befolkningsfält (valfritt) <input name="population_field" placeholder="t.ex. BEFOLKNING" /></label>`;
  }
  if (kind === 'survey') {
    return `<label>Enkätens namn <input name="survey" required placeholder="t.ex. Trygghetsmätning 2025" /></label>
      <label>Markeringar av otrygga platser (valfritt) <input type="file" name="marks" accept=".csv,.geojson,.json,text/csv,application/geo+json" /></label>
      <label class="check"><input type="checkbox" name="allow_rejects" value="true" /> Spara de godkända raderna även om några avvisas</label>`;
  }
  return '';
}

/** The form's fields for the chosen kind (re-rendered only when the kind changes, so a chosen file stays chosen). */
export function renderImportForm(s: ImportPanelState): string {
  const kinds = (Object.keys(KIND_LABELS) as ImportKind[])
    .map((k) => `<option value="${k}"${k === s.kind ? ' selected' : ''}>${escapeHtml(KIND_LABELS[k])}</option>`)
    .join('');
  const municipalities = s.municipalities.map((m) => `<option value="${escapeHtml(m.code)}">${escapeHtml(`${m.name} (${m.code})`)}</option>`).join('');
  return `<label>Vad vill du importera? <select name="import_kind" data-action="kind">${kinds}</select></label>
      <label>Kommun <select name="municipality" required>${municipalities}</select></label>
      <label>Fil <input type="file" name="file" required accept=".csv,.txt,.tsv,.geojson,.json,text/csv,application/geo+json" /></label>
      ${kindFields(s.kind)}
      <button type="submit"${s.busy ? ' disabled' : ''}>${s.busy ? 'Importerar…' : 'Importera'}</button>`;
}

/** The result area: an error, or the summary with its rejected rows. */
export function renderImportOutput(s: ImportPanelState): string {
  return `${s.error ? `<p class="import-result rejected" role="alert">${escapeHtml(s.error)}</p>` : ''}${s.summary ? renderImportSummary(s.summary) : ''}`;
}

/** The upload dialog's content as HTML (pure; the panel wires the events and updates the three regions). */
export function renderImportPanel(s: ImportPanelState): string {
  return `<div class="import-dialog-head"><h2 id="import-title">Importera data</h2><button type="button" data-action="close" aria-label="Stäng">×</button></div>
    <form class="import-form" data-role="import-form">${renderImportForm(s)}</form>
    <div class="import-output" data-role="import-output" aria-live="polite">${renderImportOutput(s)}</div>
    <div class="import-history" data-role="import-history">${renderBatches(s.batches)}</div>`;
}
