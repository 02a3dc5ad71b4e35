import { describe, expect, it } from 'vitest';
import { stateFromSearch, stateToSearch } from '../../../client/state/url.ts';
import { DEFAULT_FILTERS } from '../../../client/state/filters.ts';
import { DEFAULT_VIEW, toggleLayer, viewFromSearch, viewToSearch, type ViewState } from '../../../client/state/view.ts';

describe('view slice', () => {
  it('toggles layers in canonical order', () => {
    const v = toggleLayer(toggleLayer(DEFAULT_VIEW, 'marks', true), 'hotspots', true);
    expect(v.layers).toEqual(['districts', 'hotspots', 'marks']);
    expect(toggleLayer(v, 'districts', false).layers).toEqual(['hotspots', 'marks']);
  });

  it('round-trips through the URL, including no layers at all', () => {
    const v: ViewState = { layers: [], metric: 'change', markReasons: ['belysning'], markTimes: ['natt'], surveyGroup: '16-19', emerging: true };
    expect(viewFromSearch(viewToSearch(v))).toEqual(v);
    expect(viewToSearch(DEFAULT_VIEW).toString()).toBe('');
  });

  it('drops unknown layers, metrics and groups', () => {
    expect(viewFromSearch('?layers=districts,bogus&metric=evil&group=robots')).toEqual({ ...DEFAULT_VIEW, layers: ['districts'] });
  });

  it('combines both slices in one query string', () => {
    const filters = { ...DEFAULT_FILTERS, selectedDistrict: 3 };
    const view = toggleLayer(DEFAULT_VIEW, 'heatmap', true);
    const search = stateToSearch(filters, view);
    expect(search).toContain('district=3');
    expect(search).toContain('layers=districts%2Cheatmap');
    expect(stateFromSearch(search)).toEqual({ filters, view });
  });
});
