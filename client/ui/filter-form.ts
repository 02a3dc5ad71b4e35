import { t, type Lang } from '../i18n.ts';
import type { FilterState } from '../state/filters.ts';
import { escapeHtml } from './format.ts';

export interface CategoryOption { code: string; name_sv: string; name_en: string; sensitivity: string }

/** The period, comparison, category and language controls, as accessible native form fields. */
export function renderFilterForm(state: FilterState, categories: CategoryOption[], lang: Lang): string {
  const presets = (['last30', 'last12', 'thisYear', 'lastYear'] as const)
    .map((p) => `<option value="${p}" ${state.preset === p ? 'selected' : ''}>${t(lang, p)}</option>`).join('');
  const selected = state.categories.length === 1 ? state.categories[0] : '';
  const cats = categories
    .map((c) => `<option value="${c.code}" ${selected === c.code ? 'selected' : ''}>${escapeHtml(lang === 'sv' ? c.name_sv : c.name_en)}</option>`).join('');
  return `
    <label>${t(lang, 'period')} <select name="preset" id="filter-period">${presets}</select></label>
    <label>${t(lang, 'compare')} <select name="compare" id="filter-compare">
      <option value="previous" ${state.compare === 'previous' ? 'selected' : ''}>${t(lang, 'comparePrevious')}</option>
      <option value="year" ${state.compare === 'year' ? 'selected' : ''}>${t(lang, 'compareYear')}</option>
    </select></label>
    <label>${t(lang, 'category')} <select name="category" id="filter-category">
      <option value="">${t(lang, 'allCategories')}</option>${cats}
    </select></label>
    <label>${t(lang, 'language')} <select name="lang" id="filter-lang">
      <option value="sv" ${lang === 'sv' ? 'selected' : ''}>Svenska</option>
      <option value="en" ${lang === 'en' ? 'selected' : ''}>English</option>
    </select></label>`;
}
