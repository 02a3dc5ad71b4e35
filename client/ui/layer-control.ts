import type { Availability } from '../api/http.ts';
import { t, tx, type Lang } from '../i18n.ts';
import { toggleIn } from '../state/filters.ts';
import { LAYER_IDS, MARK_REASONS, MARK_TIMES, SURVEY_GROUPS, type LayerId, type ViewState } from '../state/view.ts';
import { escapeHtml } from './format.ts';
import { renderLegendHtml, type LegendModel } from './legend.ts';

/** What the map knows about one layer right now. */
export interface LayerStatus { status: Availability; note?: string; legend?: LegendModel }

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
 * and replaces only the status and legend text (never a focused control).
 */
export class LayerControl {
  private lang: Lang | null = null;
  private view: ViewState | null = null;

  constructor(private readonly root: HTMLElement, private readonly onChange: (change: Partial<ViewState>) => void) {
    root.addEventListener('change', (e) => {
      const target = e.target as HTMLInputElement;
      const view = this.view;
      if (!view) return;
      if (target.name === 'layer') {
        const set = new Set(view.layers);
        if (target.checked) set.add(target.value as LayerId); else set.delete(target.value as LayerId);
        this.onChange({ layers: LAYER_IDS.filter((l) => set.has(l)) });
      }
      if (target.name === 'metric') this.onChange({ metric: target.value as ViewState['metric'] });
      if (target.name === 'emerging') this.onChange({ emerging: target.checked });
      if (target.name === 'group') this.onChange({ surveyGroup: target.value as ViewState['surveyGroup'] });
      if (target.name === 'reason') this.onChange({ markReasons: toggleIn(view.markReasons, target.value, target.checked) });
      if (target.name === 'time') this.onChange({ markTimes: toggleIn(view.markTimes, target.value, target.checked) });
    });
  }

  /** Brings switches, statuses and legends in line with the view. */
  sync(view: ViewState, statuses: Partial<Record<LayerId, LayerStatus>>, lang: Lang): void {
    this.view = view;
    if (this.lang !== lang) this.build(lang);
    for (const id of LAYER_IDS) {
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
    }
    this.root.querySelectorAll<HTMLInputElement>('input[name="metric"]').forEach((i) => { i.checked = i.value === view.metric; });
    (this.root.querySelector('select[name="group"]') as HTMLSelectElement).value = view.surveyGroup;
    (this.root.querySelector('input[name="emerging"]') as HTMLInputElement).checked = view.emerging;
    this.root.querySelectorAll<HTMLInputElement>('input[name="reason"]').forEach((i) => { i.checked = view.markReasons.includes(i.value); });
    this.root.querySelectorAll<HTMLInputElement>('input[name="time"]').forEach((i) => { i.checked = view.markTimes.includes(i.value); });
  }

  private build(lang: Lang): void {
    const focusedId = (document.activeElement as HTMLElement | null)?.id;
    const options: Partial<Record<LayerId, string>> = {
      districts: `<fieldset class="inline-options" data-part="options"><legend class="sr-only">${t(lang, 'metric')}</legend>${(['rate', 'count', 'change'] as const).map((m) => `<label class="check"><input type="radio" name="metric" value="${m}" id="metric-${m}"> ${t(lang, `metric_${m}`)}</label>`).join('')}</fieldset>`,
      hotspots: `<div data-part="options"><label class="check"><input type="checkbox" name="emerging" id="hotspots-emerging"> ${t(lang, 'emerging')}</label></div>`,
      survey: `<div data-part="options"><label>${t(lang, 'surveyGroup')} <select name="group" id="survey-group">${SURVEY_GROUPS.map((g) => `<option value="${g}">${escapeHtml(/\d/.test(g) ? g : tx(lang, `group_${g}`))}</option>`).join('')}</select></label></div>`,
      marks: `<div data-part="options"><fieldset class="inline-options"><legend>${t(lang, 'reasons')}</legend>${MARK_REASONS.map((r) => `<label class="check"><input type="checkbox" name="reason" value="${r}" id="reason-${r}"> ${tx(lang, `reason_${r}`)}</label>`).join('')}</fieldset>
        <fieldset class="inline-options"><legend>${t(lang, 'timeOfDay')}</legend>${MARK_TIMES.map((r) => `<label class="check"><input type="checkbox" name="time" value="${r}" id="time-${r}"> ${tx(lang, r)}</label>`).join('')}</fieldset></div>`,
    };
    this.root.innerHTML = `<h2>${t(lang, 'layers')}</h2><ul class="layer-list">${LAYER_IDS.map((id) => `
      <li data-layer="${id}">
        <label class="check layer-toggle"><input type="checkbox" name="layer" value="${id}" id="layer-${id}"> ${tx(lang, `layer_${id}`)}</label>
        <span class="layer-status small" data-part="status" role="status"></span>
        ${options[id] ?? ''}
        <div class="legend" data-part="legend"${id === 'districts' ? ' id="legend"' : ''}></div>
      </li>`).join('')}</ul>`;
    this.lang = lang;
    if (focusedId) document.getElementById(focusedId)?.focus();
  }
}
