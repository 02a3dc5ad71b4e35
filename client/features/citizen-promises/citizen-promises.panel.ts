import './citizen-promises.css';
import { t, type Lang } from '../../i18n.ts';
import type { MapView } from '../../map/map.ts';
import { currentViewer } from '../auth/auth.api.ts';
import {
  changePromiseStatus, draftPromise, fetchPromise, fetchPromises, refreshPromiseFollowUp, savePromise,
  type CitizenPromise, type DraftEvidence, type PromiseStatus,
} from './citizen-promises.api.ts';
import {
  addRow, applyField, areaOfSelection, bodyOfForm, EMPTY_SELECTION, formErrors, formFromDraft, formFromPromise, promiseStore, removeRow, withMode,
  type PickMode, type PromiseForm,
} from './citizen-promises.state.ts';
import { renderEditor, renderEvidence, renderPicker, renderPromise, renderPromiseList } from './citizen-promises.view.ts';

export interface PromisesPanelContext {
  topbar: HTMLElement;
  view: MapView;
  municipality(): string;
  /** The filters' period (half-open), the evidence a draft is computed over. */
  period(): { from: string; to: string };
  lang(): Lang;
  categoryName(code: string): string;
  /** Indicator keys a promise may follow (categories the viewer may see and survey shares), with labels. */
  indicatorOptions(lang: Lang): { key: string; label: string }[];
  /** Switches map layers on (the hotspot cells must show to be picked). */
  showLayers(ids: string[]): void;
  /** Redraws the map (the store changed). */
  redraw(): void;
}

type Screen = { name: 'list' } | { name: 'pick' } | { name: 'edit' } | { name: 'show'; id: number };

const addYear = (iso: string) => `${Number(iso.slice(0, 4)) + 1}${iso.slice(4)}`;

/**
 * The medborgarlöfte panel: the municipality's promises with status; drafting one from evidence picked on the map
 * (hotspot cells or districts by click, or a drawn polygon); editing while draft or agreed; the status buttons the
 * role may use; and the follow-up per indicator. Returns update(), called on every render (language changes).
 */
export function mountCitizenPromises(ctx: PromisesPanelContext): { update(): void } {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'pr-open';
  ctx.topbar.insertBefore(button, ctx.topbar.querySelector('#auth'));
  const panel = document.createElement('aside');
  panel.className = 'pr-panel';
  panel.hidden = true;
  (document.querySelector('.map')?.parentElement ?? document.body).append(panel);

  let screen: Screen = { name: 'list' };
  let promises: CitizenPromise[] = [];
  let current: CitizenPromise | null = null;
  let form: PromiseForm | null = null;
  let evidence: DraftEvidence | null = null;
  let error: string | null = null;
  let notice: string | null = null;
  let lastLang: Lang | null = null;
  const nextStart = () => { const d = new Date(); d.setUTCMonth(d.getUTCMonth() + 1, 1); return d.toISOString().slice(0, 10); };
  let draftPeriod = { start: nextStart(), end: addYear(nextStart()) };

  const role = () => currentViewer().role;
  const busy = (state: string) => { document.body.dataset.promise = state; };

  function render() {
    const lang = ctx.lang();
    lastLang = lang;
    button.textContent = t(lang, 'pr_promises');
    panel.setAttribute('aria-label', t(lang, 'pr_promises'));
    let body = '';
    if (screen.name === 'list') body = renderPromiseList(promises, role(), lang);
    if (screen.name === 'pick') body = renderPicker(promiseStore.selection, draftPeriod, lang);
    if (screen.name === 'edit' && form) body = `${renderEvidence(evidence, lang, ctx.categoryName)}${renderEditor(form, lang, ctx.indicatorOptions(lang))}`;
    if (screen.name === 'show' && current) body = renderPromise(current, role(), lang);
    panel.innerHTML = `
      <header><h2>${t(lang, 'pr_promises')}</h2><button type="button" data-action="close" aria-label="${t(lang, 'close')}">×</button></header>
      ${screen.name !== 'list' ? `<p><button type="button" class="pr-link" data-action="list">← ${t(lang, 'pr_back')}</button></p>` : ''}
      <p class="pr-error" role="alert" data-role="error"${error ? '' : ' hidden'}>${error ? error.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!) : ''}</p>
      <p class="pr-notice" role="status"${notice ? '' : ' hidden'}>${notice ?? ''}</p>
      <div data-role="body">${body}</div>`;
  }

  /** Leaves picking: the drawing tool stops and the selection is cleared off the map. */
  function stopPicking() {
    ctx.view.stopDrawing();
    if (promiseStore.selection !== EMPTY_SELECTION) promiseStore.update({ selection: EMPTY_SELECTION });
  }

  async function go(next: Screen) {
    error = null;
    if (next.name !== 'pick') stopPicking();
    screen = next;
    if (next.name !== 'show' && next.name !== 'edit' && promiseStore.openId !== null) promiseStore.update({ openId: null });
    try {
      if (next.name === 'list') {
        busy('loading');
        promises = await fetchPromises(ctx.municipality());
        busy('list');
      }
      if (next.name === 'show') {
        busy('loading');
        current = await fetchPromise(next.id);
        promiseStore.update({ openId: next.id });
        if (current.area.geometry) ctx.view.fitToGeometry(current.area.geometry as never);
        busy('shown');
      }
    } catch (e) {
      error = (e as Error).message;
      busy('error');
    }
    render();
  }

  function pick(mode: PickMode) {
    ctx.view.stopDrawing();
    promiseStore.update({ selection: withMode(promiseStore.selection, mode) });
    if (mode === 'hotspots') ctx.showLayers(['hotspots']);
    if (mode === 'draw') {
      void ctx.view.startDrawing({
        mode: 'polygon',
        onFinish: (area) => promiseStore.update({ selection: { ...promiseStore.selection, drawn: area.area.geometry } }),
      });
    }
    render();
  }

  async function propose() {
    const area = areaOfSelection(promiseStore.selection);
    if (!area) return;
    error = null;
    busy('drafting');
    try {
      const draft = await draftPromise({ municipality: ctx.municipality(), area, ...ctx.period(), period_start: draftPeriod.start, period_end: draftPeriod.end });
      form = formFromDraft(draft, area);
      evidence = draft.evidence;
      screen = { name: 'edit' };
      stopPicking();
      busy('drafted');
    } catch (e) {
      error = (e as Error).message;
      busy('error');
    }
    render();
  }

  async function save() {
    if (!form) return;
    const problems = formErrors(form);
    if (problems.length) { error = problems.map((p) => t(ctx.lang(), p.message)).join(' '); render(); return; }
    error = null;
    busy('saving');
    try {
      current = await savePromise(form.id, bodyOfForm(form, ctx.municipality()));
      form = null;
      evidence = null;
      screen = { name: 'show', id: current.id };
      notice = t(ctx.lang(), 'pr_saved');
      promiseStore.update({ revision: promiseStore.revision + 1, openId: current.id });
      busy('saved');
    } catch (e) {
      error = (e as Error).message;
      busy('error');
    }
    render();
  }

  async function move(to: PromiseStatus) {
    if (!current) return;
    if (to === 'published' && !confirm(t(ctx.lang(), 'pr_publishConfirm'))) return;
    error = null;
    busy('moving');
    try {
      current = await changePromiseStatus(current.id, to);
      promiseStore.update({ revision: promiseStore.revision + 1 });
      busy(`status-${to}`);
    } catch (e) {
      error = (e as Error).message;
      busy('error');
    }
    render();
  }

  async function refresh() {
    if (!current) return;
    error = null;
    busy('moving');
    try {
      current = await refreshPromiseFollowUp(current.id);
      busy('refreshed');
    } catch (e) {
      error = (e as Error).message;
      busy('error');
    }
    render();
  }

  // The map redraws the selection; the panel shows what is picked.
  promiseStore.subscribe(() => {
    ctx.redraw();
    if (screen.name === 'pick' && !panel.hidden) {
      render();
    }
  });

  // The panel covers the map's right side: the map shifts by half its width so what was in the middle stays visible.
  const shift = (open: boolean) => ctx.view.map.panBy([(open ? 1 : -1) * Math.round(panel.offsetWidth / 2), 0], { duration: 0 });
  const close = () => {
    if (panel.hidden) return;
    shift(false);
    panel.hidden = true;
    stopPicking();
    // A closed panel leaves no promise highlighted on the map.
    if (promiseStore.openId !== null) promiseStore.update({ openId: null });
  };
  button.addEventListener('click', () => {
    if (!panel.hidden) { close(); return; }
    panel.hidden = false;
    shift(true);
    void go({ name: 'list' });
  });
  panel.addEventListener('click', (event) => {
    const target = event.target as HTMLElement;
    notice = null;
    const action = target.closest<HTMLElement>('[data-action]')?.dataset.action;
    const open = target.closest<HTMLElement>('[data-open]')?.dataset.open;
    const pickMode = target.closest<HTMLElement>('[data-pick]')?.dataset.pick as PickMode | undefined;
    const to = target.closest<HTMLElement>('[data-status-to]')?.dataset.statusTo as PromiseStatus | undefined;
    const add = target.closest<HTMLElement>('[data-add]')?.dataset.add as 'problems' | 'commitments' | undefined;
    const remove = target.closest<HTMLElement>('[data-remove]')?.dataset.remove;
    if (action === 'close') close();
    else if (action === 'list') void go({ name: 'list' });
    else if (action?.startsWith('open-')) void go({ name: 'show', id: Number(action.slice(5)) });
    else if (action === 'new') { screen = { name: 'pick' }; error = null; render(); }
    else if (action === 'clear') promiseStore.update({ selection: withMode(EMPTY_SELECTION, promiseStore.selection.mode) });
    else if (action === 'propose') void propose();
    else if (action === 'edit' && current) { form = formFromPromise(current); evidence = null; screen = { name: 'edit' }; busy('editing'); render(); }
    else if (action === 'refresh') void refresh();
    else if (open) void go({ name: 'show', id: Number(open) });
    else if (pickMode) pick(pickMode);
    else if (to) void move(to);
    else if (add && form) { form = addRow(form, add); render(); }
    else if (remove && form) {
      const [kind, k] = remove.split('.');
      form = removeRow(form, kind as 'problems', Number(k));
      render();
    }
  });
  // Typing changes the form model without re-rendering, so focus and caret stay where they are.
  panel.addEventListener('input', (event) => {
    const input = event.target as HTMLInputElement;
    if (input.name === 'draft_start') draftPeriod = { ...draftPeriod, start: input.value };
    else if (input.name === 'draft_end') draftPeriod = { ...draftPeriod, end: input.value };
    else if (form && input.name !== 'add_indicator') form = applyField(form, input.name, input.value);
  });
  panel.addEventListener('change', (event) => {
    const input = event.target as HTMLSelectElement;
    if (input.name === 'add_indicator' && form && input.value) {
      const option = ctx.indicatorOptions(ctx.lang()).find((o) => o.key === input.value);
      form = addRow(form, 'indicators', input.value, option?.label ?? input.value);
      render();
    } else if (form && input.tagName === 'SELECT') form = applyField(form, input.name, input.value);
  });
  panel.addEventListener('submit', (event) => {
    event.preventDefault();
    void save();
  });

  render();
  return {
    update() {
      if (ctx.lang() !== lastLang) render();
    },
  };
}
