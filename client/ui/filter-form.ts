import { t, tx, type Lang } from '../i18n.ts';
import { SOURCES } from '../../shared/categories.ts';
import { addDays, PERIOD_PRESETS } from '../../shared/time.ts';
import { statePeriod, toggleIn, type FilterState } from '../state/filters.ts';
import { escapeHtml } from './format.ts';

export interface CategoryOption { code: string; name_sv: string; name_en: string; sensitivity: string; police_initiated?: boolean }
export interface FocusAreaOption { code: string; name_sv: string; name_en: string; categories: string[] }
export interface DistrictOption { id: number; name: string }

export interface FilterFormOptions {
  categories: CategoryOption[];
  focusAreas: FocusAreaOption[];
  districts: DistrictOption[];
  /** Categories the viewer may see (null: not known, all enabled); others are shown disabled. */
  permitted?: Set<string> | null;
  onChange(change: Partial<FilterState>): void;
}

/** Category groups by focus area (a category may sit in several); categories in none go to a last group. */
export function groupCategories(categories: CategoryOption[], focusAreas: FocusAreaOption[], lang: Lang): { code: string; name: string; categories: CategoryOption[] }[] {
  const byCode = new Map(categories.map((c) => [c.code, c]));
  const groups = focusAreas.map((f) => ({
    code: f.code, name: lang === 'sv' ? f.name_sv : f.name_en,
    categories: f.categories.map((c) => byCode.get(c)).filter((c): c is CategoryOption => c !== undefined),
  })).filter((g) => g.categories.length);
  const placed = new Set(groups.flatMap((g) => g.categories.map((c) => c.code)));
  const rest = categories.filter((c) => !placed.has(c.code));
  if (rest.length) groups.push({ code: '_other', name: lang === 'sv' ? 'Övriga' : 'Other', categories: rest });
  return groups;
}

/** The summary text of a multi-select: "alla" or "3 valda". */
export function selectionSummary(selected: number, lang: Lang): string {
  return selected === 0 ? t(lang, 'all') : `${selected} ${t(lang, 'selectedCount')}`;
}

/**
 * The filter controls as native, keyboard-reachable form fields. Built once per language; later state
 * changes only set values and checked flags, so a focused control is never replaced under the user.
 */
export class FilterForm {
  private lang: Lang | null = null;

  constructor(private readonly form: HTMLFormElement, private readonly options: FilterFormOptions) {
    form.addEventListener('change', (event) => this.onChange(event.target as HTMLInputElement));
    form.addEventListener('submit', (event) => event.preventDefault());
  }

  /**
   * Sets the districts to search and the permitted categories once the first statistics are in. The form is built
   * before them, so the top bar has its final height before the map measures its container.
   */
  setChoices(choices: { districts: DistrictOption[]; permitted: Set<string> | null }): void {
    this.options.districts = choices.districts;
    this.options.permitted = choices.permitted;
    this.lang = null; // rebuilt at the next sync
  }

  /** Brings the controls in line with the state (rebuilding only when the language changed or the choices did). */
  sync(state: FilterState): void {
    if (this.lang !== state.lang) this.build(state.lang);
    const f = this.form;
    const period = statePeriod(state);
    (f.elements.namedItem('preset') as HTMLSelectElement).value = state.preset;
    (f.elements.namedItem('compare') as HTMLSelectElement).value = state.compare;
    const custom = f.querySelector<HTMLElement>('[data-part="custom-dates"]')!;
    custom.hidden = state.preset !== 'custom';
    (f.elements.namedItem('from') as HTMLInputElement).value = period.from;
    (f.elements.namedItem('to') as HTMLInputElement).value = addDays(period.to, -1);
    f.querySelectorAll<HTMLInputElement>('input[name="category"]').forEach((i) => { i.checked = state.categories.includes(i.value); });
    f.querySelectorAll<HTMLInputElement>('input[name="focus"]').forEach((i) => {
      const codes = (i.dataset.categories ?? '').split(',');
      const on = codes.filter((c) => state.categories.includes(c)).length;
      i.checked = on === codes.length;
      i.indeterminate = on > 0 && on < codes.length;
    });
    f.querySelectorAll<HTMLInputElement>('input[name="source"]').forEach((i) => { i.checked = state.sources.includes(i.value); });
    f.querySelector('[data-part="category-summary"]')!.textContent = selectionSummary(state.categories.length, state.lang);
    f.querySelector('[data-part="source-summary"]')!.textContent = selectionSummary(state.sources.length, state.lang);
    const search = f.elements.namedItem('district-search') as HTMLInputElement;
    const selected = this.options.districts.find((d) => d.id === state.selectedDistrict);
    if (document.activeElement !== search) search.value = selected?.name ?? '';
    (f.elements.namedItem('lang') as HTMLSelectElement).value = state.lang;
    this.current = state;
  }

  private current: FilterState | null = null;

  private build(lang: Lang): void {
    const focusedId = (document.activeElement as HTMLElement | null)?.id;
    const { categories, focusAreas, districts } = this.options;
    const groups = groupCategories(categories, focusAreas, lang);
    const permitted = this.options.permitted ?? null;
    const may = (code: string) => permitted === null || permitted.has(code);
    const notPermitted = lang === 'sv' ? 'ej behörig' : 'not permitted';
    let n = 0;
    const catBoxes = groups.map((g) => `
      <fieldset class="focus-area">
        <legend><label><input type="checkbox" name="focus" id="focus-${escapeHtml(g.code)}" data-categories="${g.categories.filter((c) => may(c.code)).map((c) => c.code).join(',')}"${g.categories.some((c) => may(c.code)) ? '' : ' disabled'}> ${escapeHtml(g.name)}</label></legend>
        ${g.categories.map((c) => `<label class="check"><input type="checkbox" name="category" value="${escapeHtml(c.code)}" id="cat-${n++}"${may(c.code) ? '' : ' disabled'}> ${escapeHtml(lang === 'sv' ? c.name_sv : c.name_en)}${c.sensitivity !== 'open' ? ` <span class="muted small">(${may(c.code) ? (c.sensitivity === 'restricted' ? (lang === 'sv' ? 'begränsad' : 'restricted') : (lang === 'sv' ? 'skyddad' : 'protected')) : notPermitted})</span>` : ''}</label>`).join('')}
      </fieldset>`).join('');
    this.form.innerHTML = `
      <label>${t(lang, 'period')} <select name="preset" id="filter-period">${PERIOD_PRESETS.map((p) => `<option value="${p}">${t(lang, p)}</option>`).join('')}</select></label>
      <span data-part="custom-dates" class="custom-dates" hidden>
        <label>${t(lang, 'from')} <input type="date" name="from" id="filter-from" required></label>
        <label>${t(lang, 'toInclusive')} <input type="date" name="to" id="filter-to" required></label>
      </span>
      <label>${t(lang, 'compare')} <select name="compare" id="filter-compare">
        <option value="previous">${t(lang, 'comparePrevious')}</option><option value="year">${t(lang, 'compareYear')}</option>
      </select></label>
      <details class="dropdown" id="filter-categories-box"><summary id="filter-categories">${t(lang, 'categories')}: <span data-part="category-summary"></span></summary>
        <div class="dropdown-body">${catBoxes}</div></details>
      <details class="dropdown" id="filter-sources-box"><summary id="filter-sources">${t(lang, 'sources')}: <span data-part="source-summary"></span></summary>
        <div class="dropdown-body">${SOURCES.map((s) => `<label class="check"><input type="checkbox" name="source" value="${s}" id="source-${s}"> ${tx(lang, `source_${s}`)}</label>`).join('')}</div></details>
      <label>${t(lang, 'searchDistrict')} <input type="search" name="district-search" id="filter-district" list="district-options" autocomplete="off" placeholder="${t(lang, 'district')}…"></label>
      <datalist id="district-options">${districts.map((d) => `<option value="${escapeHtml(d.name)}"></option>`).join('')}</datalist>
      <label>${t(lang, 'language')} <select name="lang" id="filter-lang"><option value="sv">Svenska</option><option value="en">English</option></select></label>`;
    this.lang = lang;
    if (focusedId) document.getElementById(focusedId)?.focus();
  }

  private onChange(target: HTMLInputElement): void {
    const state = this.current;
    if (!state) return;
    const emit = this.options.onChange;
    switch (target.name) {
      case 'preset': return emit({ preset: target.value as FilterState['preset'] });
      case 'compare': return emit({ compare: target.value as FilterState['compare'] });
      case 'lang': return emit({ lang: target.value as Lang });
      case 'from': if (target.value) emit({ preset: 'custom', from: target.value, to: statePeriod(state).to }); return;
      case 'to': if (target.value) emit({ preset: 'custom', from: statePeriod(state).from, to: addDays(target.value, 1) }); return;
      case 'category': return emit({ categories: toggleIn(state.categories, target.value, target.checked) });
      case 'source': return emit({ sources: toggleIn(state.sources, target.value, target.checked) });
      case 'focus': {
        const codes = (target.dataset.categories ?? '').split(',');
        const rest = state.categories.filter((c) => !codes.includes(c));
        return emit({ categories: target.checked ? [...rest, ...codes] : rest });
      }
      case 'district-search': {
        const q = target.value.trim().toLocaleLowerCase('sv');
        if (!q) return emit({ selectedDistrict: null });
        const hit = this.options.districts.find((d) => d.name.toLocaleLowerCase('sv') === q)
          ?? this.options.districts.find((d) => d.name.toLocaleLowerCase('sv').startsWith(q));
        if (hit) emit({ selectedDistrict: hit.id });
      }
    }
  }
}
