import type { Availability } from '../api/http.ts';
import { t, type Lang } from '../i18n.ts';
import type { ViewState } from '../state/view.ts';
import { escapeHtml } from './format.ts';
import { renderLegendHtml, type LegendModel } from './legend.ts';

/** What the map knows about one layer right now. */
export interface LayerStatus { status: Availability; note?: string; legend?: LegendModel }

/** One switchable layer as the control shows it; what its options mean is the feature's business. */
export interface LayerEntry {
  id: string;
  label(lang: Lang): string;
  options?(lang: Lang): string;
  onInput?(input: HTMLInputElement | HTMLSelectElement, view: ViewState): Partial<ViewState> | null;
  sync?(root: HTMLElement, view: ViewState): void;
}

/** The status line of a layer: nothing when ready without a note, otherwise a sentence. */
export function statusText(s: LayerStatus | undefined, lang: Lang): string {
  if (!s) return '';
  switch (s.status) {
    case 'loading': return t(lang, 'loading');
    case 'unavailable': return t(lang, 'notAvailable');
    case 'forbidden': return t(lang, 'notPermitted');
    case 'error': return `${t(lang, 'loadError')}${s.note ? `: ${s.note}` : ''}`;
    case 'ready': return s.note ?? '';
  }
}

/**
 * Layer switches with each layer's status and legend. Built once per language; sync() sets checked flags
 * and replaces only the status and legend text (never a focused control). The first entry's legend carries
 * id="legend" (the base layer's legend, which tests and assistive links look for).
 */
export class LayerControl {
  private lang: Lang | null = null;
  private view: ViewState | null = null;

  constructor(private readonly root: HTMLElement, private readonly entries: LayerEntry[], private readonly onChange: (change: Partial<ViewState>) => void) {
    root.addEventListener('change', (e) => {
      const target = e.target as HTMLInputElement | HTMLSelectElement;
      const view = this.view;
      if (!view) return;
      if (target.name === 'layer') {
        const set = new Set(view.layers);
        if ((target as HTMLInputElement).checked) set.add(target.value); else set.delete(target.value);
        this.onChange({ layers: this.entries.map((x) => x.id).filter((id) => set.has(id)) });
        return;
      }
      for (const entry of this.entries) {
        const change = entry.onInput?.(target, view);
        if (change) { this.onChange(change); return; }
      }
    });
  }

  /** Brings switches, statuses and legends in line with the view. */
  sync(view: ViewState, statuses: Record<string, LayerStatus | undefined>, lang: Lang): void {
    this.view = view;
    if (this.lang !== lang) this.build(lang);
    for (const { id, sync } of this.entries) {
      const on = view.layers.includes(id);
      const item = this.root.querySelector<HTMLElement>(`[data-layer="${id}"]`)!;
      (item.querySelector('input[name="layer"]') as HTMLInputElement).checked = on;
      item.classList.toggle('is-on', on);
      const s = statuses[id];
      const status = item.querySelector<HTMLElement>('[data-part="status"]')!;
      const text = on ? statusText(s, lang) : '';
      if (status.textContent !== text) status.textContent = text;
      status.dataset.kind = s?.status ?? '';
      const legend = item.querySelector<HTMLElement>('[data-part="legend"]')!;
      const html = on && s?.status === 'ready' && s.legend ? renderLegendHtml(s.legend) : '';
      if (legend.innerHTML !== html) legend.innerHTML = html;
      item.querySelectorAll<HTMLElement>('[data-part="options"]').forEach((o) => { o.hidden = !on; });
      sync?.(item, view);
    }
  }

  private build(lang: Lang): void {
    const focusedId = (document.activeElement as HTMLElement | null)?.id;
    this.root.innerHTML = `<h2>${t(lang, 'layers')}</h2><ul class="layer-list">${this.entries.map((entry, i) => `
      <li data-layer="${entry.id}">
        <label class="check layer-toggle"><input type="checkbox" name="layer" value="${entry.id}" id="layer-${entry.id}"> ${escapeHtml(entry.label(lang))}</label>
        <span class="layer-status small" data-part="status" role="status"></span>
        ${entry.options?.(lang) ?? ''}
        <div class="legend" data-part="legend"${i === 0 ? ' id="legend"' : ''}></div>
      </li>`).join('')}</ul>`;
    this.lang = lang;
    if (focusedId) document.getElementById(focusedId)?.focus();
  }
}
