import './imports.css';
import { getJsonShared } from '../../api/http.ts';
import { fetchMe } from '../auth/auth.api.ts';
import { fetchBatches, rollbackBatch, uploadImport, type ImportKind } from './imports.api.ts';
import { initialImportState, renderBatches, renderImportForm, renderImportOutput, renderImportPanel, type ImportPanelState } from './imports.view.ts';

/** Roles that may import (SPEC §6): analysts non-police sources, police the police source, admin all. */
const IMPORTING_ROLES = new Set(['analyst', 'police', 'admin']);

/**
 * The upload panel: an "Importera" button in the top bar (for roles that may import) opening a dialog
 * that uploads a file, shows the summary and the rejected rows one by one, and lists earlier imports
 * with an undo button each.
 */
export function mountImports(topbar: HTMLElement): void {
  let state: ImportPanelState = initialImportState();
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'import-open';
  button.textContent = 'Importera';
  button.hidden = true;
  const dialog = document.createElement('dialog');
  dialog.className = 'import-dialog';
  dialog.setAttribute('aria-labelledby', 'import-title');
  topbar.append(button, dialog);

  const region = (role: string) => dialog.querySelector<HTMLElement>(`[data-role="${role}"]`);
  // Each region is redrawn only when its part of the state changes, so a chosen file and typed
  // fields survive the batch list refreshing or an import finishing.
  const render = (change: Partial<ImportPanelState> = {}) => {
    if (!region('import-form')) {
      dialog.innerHTML = renderImportPanel(state);
      return;
    }
    if ('kind' in change || 'municipalities' in change) region('import-form')!.innerHTML = renderImportForm(state);
    if ('busy' in change) {
      const submit = region('import-form')!.querySelector<HTMLButtonElement>('button[type="submit"]');
      if (submit) {
        submit.disabled = state.busy;
        submit.textContent = state.busy ? 'Importerar…' : 'Importera';
      }
    }
    if ('summary' in change || 'error' in change) region('import-output')!.innerHTML = renderImportOutput(state);
    if ('batches' in change) region('import-history')!.innerHTML = renderBatches(state.batches);
  };
  const set = (change: Partial<ImportPanelState>) => {
    state = { ...state, ...change };
    render(change);
  };
  const currentMunicipality = () => (dialog.querySelector<HTMLSelectElement>('select[name="municipality"]')?.value ?? state.municipalities[0]?.code ?? '');
  const refreshBatches = async () => {
    const code = currentMunicipality();
    if (!code) return;
    try {
      set({ batches: await fetchBatches(code) });
    } catch {
      // The list is a convenience; an import still works without it.
    }
  };

  button.addEventListener('click', () => {
    set({ open: true });
    dialog.showModal();
    void refreshBatches();
  });
  dialog.addEventListener('change', (event) => {
    const target = event.target as HTMLElement;
    if (target.dataset.action === 'kind') set({ kind: (target as HTMLSelectElement).value as ImportKind, summary: null, error: null });
    if ((target as HTMLSelectElement).name === 'municipality') void refreshBatches();
  });
  dialog.addEventListener('click', (event) => {
    const target = (event.target as HTMLElement).closest<HTMLElement>('[data-action]');
    if (!target) return;
    if (target.dataset.action === 'close') {
      dialog.close();
      set({ open: false });
    }
    if (target.dataset.action === 'rollback') {
      const id = Number(target.dataset.batch);
      if (!confirm(`Ångra import ${id}? Raderna den lade till tas bort och ändrade rader får tillbaka sina tidigare värden.`)) return;
      rollbackBatch(id)
        .then(() => refreshBatches())
        .catch((error: Error) => set({ error: error.message }));
    }
  });
  dialog.addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    data.delete('import_kind');
    for (const [key, value] of [...data.entries()]) {
      if (value === '' || (value instanceof File && value.size === 0 && value.name === '')) data.delete(key);
    }
    set({ busy: true, summary: null, error: null });
    uploadImport(state.kind, data)
      .then((summary) => set({ busy: false, summary }))
      .catch((error: Error) => set({ busy: false, error: error.message }))
      .finally(() => void refreshBatches());
  });

  void Promise.all([fetchMe(), getJsonShared<{ municipalities: { code: string; name: string }[] } | { code: string; name: string }[]>('/api/municipalities')])
    .then(([me, answer]) => {
      const municipalities = Array.isArray(answer) ? answer : answer.municipalities;
      const visible = me.municipalities ? municipalities.filter((m) => me.municipalities!.includes(m.code)) : municipalities;
      button.hidden = !IMPORTING_ROLES.has(me.role) || visible.length === 0;
      set({ municipalities: visible.map((m) => ({ code: m.code, name: m.name })) });
    })
    .catch(() => undefined);
}
