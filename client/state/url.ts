import { filtersFromSearch, filtersToSearch, type FilterState } from './filters.ts';
import { viewFromSearch, viewToSearch, type ViewState } from './view.ts';

/** Both serialisable slices as one query string ("" when everything is default). */
export function stateToSearch(filters: FilterState, view: ViewState): string {
  const s = viewToSearch(view, filtersToSearch(filters)).toString();
  return s ? `?${s}` : '';
}

/** Both slices from a query string; a copied link reopens exactly the same view. */
export function stateFromSearch(search: string, layerIds?: readonly string[]): { filters: FilterState; view: ViewState } {
  const p = new URLSearchParams(search);
  return { filters: filtersFromSearch(p), view: viewFromSearch(p, layerIds) };
}
