import type { Role } from '../../../shared/roles.ts';
import type { AreaInput, CitizenPromise, Commitment, PromiseBody, PromiseDraft, PromiseStatus } from './citizen-promises.api.ts';

/** Edge of the Gi* hexagons the hotspot layer shows (GET /api/stats/hotspots' default `cell`), metres. */
export const HOTSPOT_CELL_M = 200;

/** How the draft's area is being picked on the map. */
export type PickMode = 'none' | 'hotspots' | 'districts' | 'draw';

/** The evidence picked on the map for a draft: one kind of area at a time (the server takes exactly one). */
export interface PromiseSelection {
  mode: PickMode;
  cells: { i: number; j: number }[];
  districtIds: number[];
  drawn: { type: 'Polygon'; coordinates: number[][][] } | null;
}

export const EMPTY_SELECTION: PromiseSelection = { mode: 'none', cells: [], districtIds: [], drawn: null };

/** Switches the pick mode; a different kind of area starts empty, since a draft covers one kind. */
export function withMode(sel: PromiseSelection, mode: PickMode): PromiseSelection {
  return mode === sel.mode ? sel : { ...EMPTY_SELECTION, mode };
}

/** Selects a hotspot cell, or deselects it when already selected. */
export function toggleCell(sel: PromiseSelection, cell: { i: number; j: number }): PromiseSelection {
  const has = sel.cells.some((c) => c.i === cell.i && c.j === cell.j);
  return { ...sel, cells: has ? sel.cells.filter((c) => c.i !== cell.i || c.j !== cell.j) : [...sel.cells, { i: cell.i, j: cell.j }] };
}

/** Selects a district, or deselects it when already selected. */
export function toggleDistrict(sel: PromiseSelection, id: number): PromiseSelection {
  return { ...sel, districtIds: sel.districtIds.includes(id) ? sel.districtIds.filter((d) => d !== id) : [...sel.districtIds, id] };
}

/** The area input of the selection for the draft route, or null while nothing is picked. */
export function areaOfSelection(sel: PromiseSelection): AreaInput | null {
  if (sel.mode === 'hotspots' && sel.cells.length) return { hotspot_cells: sel.cells, cell_m: HOTSPOT_CELL_M };
  if (sel.mode === 'districts' && sel.districtIds.length) return { district_ids: sel.districtIds };
  if (sel.mode === 'draw' && sel.drawn) return { geometry: sel.drawn };
  return null;
}

/**
 * A tiny observable for the selection and the list's revision, shared by the panel (which changes them) and the
 * map feature (which draws them and reloads its list when the revision moves). Changes go through pure functions.
 */
export interface PromiseStore {
  selection: PromiseSelection;
  /** Bumped after every save or status change, so the map layer reloads the list. */
  revision: number;
  /** The promise open in the panel (highlighted on the map), if any. */
  openId: number | null;
  update(change: Partial<Pick<PromiseStore, 'selection' | 'revision' | 'openId'>>): void;
  subscribe(listener: () => void): void;
}

/** Creates a store; the composition root's render subscribes, so a change redraws the map. */
export function createPromiseStore(): PromiseStore {
  const listeners: (() => void)[] = [];
  const store: PromiseStore = {
    selection: EMPTY_SELECTION, revision: 0, openId: null,
    update(change) {
      Object.assign(store, change);
      for (const l of listeners) l();
    },
    subscribe(listener) { listeners.push(listener); },
  };
  return store;
}

/** The one store of the page (the feature and the panel are mounted once). */
export const promiseStore = createPromiseStore();

/** Moves along draft → agreed → published → followed up; agreed may go back to draft, published never (as the server enforces). */
const TRANSITIONS: Record<PromiseStatus, PromiseStatus[]> = { draft: ['agreed'], agreed: ['draft', 'published'], published: ['followed_up'], followed_up: [] };

/** Roles that may draft and move promises (SPEC §6: analysts and police edit all). */
export function mayEditPromises(role: Role | string): boolean {
  return role === 'analyst' || role === 'police';
}

/** The status buttons a role may use on a promise of `status`: none for readers, never back from published. */
export function allowedTransitions(status: PromiseStatus, role: Role | string): PromiseStatus[] {
  return mayEditPromises(role) ? TRANSITIONS[status] : [];
}

/** Whether a promise's content may still be edited (draft and agreed only). */
export function isEditable(status: PromiseStatus): boolean {
  return status === 'draft' || status === 'agreed';
}

/** The editable form of a promise: what the user changes before saving. */
export interface PromiseForm {
  id: number | null;
  status: PromiseStatus;
  title: string;
  area: AreaInput;
  period_start: string;
  period_end: string;
  problems: string[];
  commitments: Commitment[];
  indicators: { key: string; label: string; baseline: number | null; baseline_from: string | null; baseline_to: string | null; target: number | null }[];
  evidence: Record<string, unknown> | null;
}

/** A proposed draft as a form; the area stays as it was picked (the server resolves it again on save). */
export function formFromDraft(draft: PromiseDraft, area: AreaInput): PromiseForm {
  return {
    id: null, status: 'draft', title: draft.title, area, period_start: draft.period_start, period_end: draft.period_end,
    problems: [...draft.problems], commitments: draft.commitments.map((c) => ({ ...c })),
    indicators: draft.indicators.map((i) => ({ key: i.key, label: i.label, baseline: i.baseline, baseline_from: i.baseline_from, baseline_to: i.baseline_to, target: i.target })),
    evidence: draft.evidence as unknown as Record<string, unknown>,
  };
}

/** A saved promise as a form: districts when it has them, else its stored polygon. */
export function formFromPromise(p: CitizenPromise): PromiseForm {
  const area: AreaInput = p.area.district_ids.length ? { district_ids: [...p.area.district_ids] } : { geometry: p.area.geometry as AreaInput['geometry'] };
  return {
    id: p.id, status: p.status, title: p.title, area, period_start: p.period_start, period_end: p.period_end,
    problems: [...p.problems], commitments: p.commitments.map((c) => ({ ...c })),
    indicators: p.indicators.map((i) => ({ key: i.key, label: i.label, baseline: i.baseline, baseline_from: i.baseline_from, baseline_to: i.baseline_to, target: i.target })),
    evidence: p.evidence ?? null,
  };
}

/**
 * Applies one input of the form, named by its path: `title`, `period_start`, `period_end`, `problems.<k>`,
 * `commitments.<k>.actor|text|responsible`, `indicators.<k>.target`. Unknown paths leave the form as it is.
 */
export function applyField(form: PromiseForm, path: string, value: string): PromiseForm {
  const [head, index, field] = path.split('.');
  const k = Number(index);
  if (head === 'title' || head === 'period_start' || head === 'period_end') return { ...form, [head]: value };
  if (head === 'problems' && Number.isInteger(k) && k < form.problems.length) return { ...form, problems: form.problems.map((p, i) => (i === k ? value : p)) };
  if (head === 'commitments' && Number.isInteger(k) && k < form.commitments.length && (field === 'actor' || field === 'text' || field === 'responsible')) {
    if (field === 'actor' && value !== 'police' && value !== 'municipality') return form;
    return { ...form, commitments: form.commitments.map((c, i) => (i === k ? { ...c, [field]: field === 'responsible' ? value || null : value } : c)) };
  }
  if (head === 'indicators' && Number.isInteger(k) && k < form.indicators.length && field === 'target') {
    const n = value.trim() === '' ? null : Number(value.replace(',', '.'));
    if (n !== null && (!Number.isFinite(n) || n < 0)) return form;
    // Survey targets are entered in per cent and stored as shares 0–1, like the baselines the server computes.
    const target = n === null ? null : form.indicators[k].key.startsWith('survey:') ? Math.round(n * 10) / 1000 : n;
    return { ...form, indicators: form.indicators.map((x, i) => (i === k ? { ...x, target } : x)) };
  }
  return form;
}

/** Adds an empty problem or commitment, or an indicator by key (once). */
export function addRow(form: PromiseForm, kind: 'problems' | 'commitments' | 'indicators', key = '', label = key): PromiseForm {
  if (kind === 'problems') return { ...form, problems: [...form.problems, ''] };
  if (kind === 'commitments') return { ...form, commitments: [...form.commitments, { actor: 'municipality', text: '', responsible: null }] };
  if (!key || form.indicators.some((i) => i.key === key)) return form;
  return { ...form, indicators: [...form.indicators, { key, label, baseline: null, baseline_from: null, baseline_to: null, target: null }] };
}

/** Removes row `k` of a list. */
export function removeRow(form: PromiseForm, kind: 'problems' | 'commitments' | 'indicators', k: number): PromiseForm {
  return { ...form, [kind]: (form[kind] as unknown[]).filter((_, i) => i !== k) };
}

/** What is wrong with the form before it goes to the server, as {field, message key}. */
export function formErrors(form: PromiseForm): { field: string; message: 'pr_mustTitle' | 'pr_mustPeriod' }[] {
  const out: { field: string; message: 'pr_mustTitle' | 'pr_mustPeriod' }[] = [];
  if (!form.title.trim()) out.push({ field: 'title', message: 'pr_mustTitle' });
  if (!form.period_start || !form.period_end || form.period_end <= form.period_start) out.push({ field: 'period_end', message: 'pr_mustPeriod' });
  return out;
}

/**
 * The body to save: blank problems and commitments left out (the draft proposes empty commitment rows for the
 * user to fill in), and no baselines, so the server computes them from the data for the area and period saved.
 */
export function bodyOfForm(form: PromiseForm, municipality: string): PromiseBody {
  return {
    municipality, title: form.title.trim(), area: form.area, period_start: form.period_start, period_end: form.period_end,
    problems: form.problems.map((p) => p.trim()).filter(Boolean),
    commitments: form.commitments.filter((c) => c.text.trim()).map((c) => ({ actor: c.actor, text: c.text.trim(), responsible: c.responsible?.trim() || null })),
    indicators: form.indicators.map((i) => ({ key: i.key, label: i.label, target: i.target })),
    ...(form.evidence ? { evidence: form.evidence } : {}),
  };
}
