import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS, effectivePeriod, filtersFromSearch, filtersToSearch, periodOf, timelineSteps, toggleIn, updateFilters, type FilterState } from '../../../client/state/filters.ts';

const TODAY = '2026-11-21';

describe('periods', () => {
  it('turns presets into half-open periods ending tomorrow', () => {
    expect(periodOf('last30', TODAY)).toEqual({ from: '2026-10-23', to: '2026-11-22' });
    expect(periodOf('last12', TODAY)).toEqual({ from: '2025-11-22', to: '2026-11-22' });
    expect(periodOf('thisYear', TODAY)).toEqual({ from: '2026-01-01', to: '2026-11-22' });
    expect(periodOf('lastYear', TODAY)).toEqual({ from: '2025-01-01', to: '2026-01-01' });
  });

  it('uses custom dates when they form a period, else falls back to the last twelve months', () => {
    expect(periodOf('custom', TODAY, { from: '2026-03-01', to: '2026-04-01' })).toEqual({ from: '2026-03-01', to: '2026-04-01' });
    expect(periodOf('custom', TODAY, { from: '2026-04-01', to: '2026-03-01' })).toEqual(periodOf('last12', TODAY));
    expect(periodOf('custom', TODAY, { from: '2026-02-30', to: '2026-03-01' })).toEqual(periodOf('last12', TODAY));
  });
});

describe('updateFilters', () => {
  it('does not mutate the old state', () => {
    const before = { ...DEFAULT_FILTERS };
    const after = updateFilters(before, { categories: ['stold'] });
    expect(before.categories).toEqual([]);
    expect(after.categories).toEqual(['stold']);
  });

  it('resets the slider frame when the period changes', () => {
    const playing = updateFilters(DEFAULT_FILTERS, { frame: 3 });
    expect(updateFilters(playing, { preset: 'last30' }).frame).toBeNull();
    expect(updateFilters(playing, { categories: ['hot'] }).frame).toBe(3);
  });

  it('moves a custom end date after its start', () => {
    const s = updateFilters(DEFAULT_FILTERS, { preset: 'custom', from: '2026-05-10', to: '2026-05-01' });
    expect(s.to).toBe('2026-05-11');
  });

  it('fills custom dates from the current period when switching to custom', () => {
    const s = updateFilters(DEFAULT_FILTERS, { preset: 'custom' });
    expect(s.from).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(s.from! < s.to!).toBe(true);
  });
});

describe('toggleIn', () => {
  it('adds once and removes', () => {
    expect(toggleIn(['a'], 'a', true)).toEqual(['a']);
    expect(toggleIn(['a', 'b'], 'a', false)).toEqual(['b']);
  });
});

describe('time slider frames', () => {
  it('splits a period into calendar months, the last one cut at the period end', () => {
    const steps = timelineSteps({ from: '2026-01-15', to: '2026-03-10' }, 'month');
    expect(steps).toEqual([
      { from: '2026-01-15', to: '2026-02-01' }, { from: '2026-02-01', to: '2026-03-01' }, { from: '2026-03-01', to: '2026-03-10' },
    ]);
  });

  it('splits into weeks that end on Mondays', () => {
    const steps = timelineSteps({ from: '2026-11-04', to: '2026-11-20' }, 'week');
    expect(steps[0]).toEqual({ from: '2026-11-04', to: '2026-11-09' });
    expect(steps[1]).toEqual({ from: '2026-11-09', to: '2026-11-16' });
    expect(steps.at(-1)!.to).toBe('2026-11-20');
  });

  it('shows the period up to the frame (cumulative) or the frame alone (moving window)', () => {
    const base: FilterState = { ...DEFAULT_FILTERS, preset: 'custom', from: '2026-01-01', to: '2026-04-01', frame: 1 };
    expect(effectivePeriod(base, TODAY)).toEqual({ from: '2026-01-01', to: '2026-03-01' });
    expect(effectivePeriod({ ...base, mode: 'window' }, TODAY)).toEqual({ from: '2026-02-01', to: '2026-03-01' });
    expect(effectivePeriod({ ...base, frame: null }, TODAY)).toEqual({ from: '2026-01-01', to: '2026-04-01' });
  });
});

describe('URL round trip', () => {
  it('writes only what differs from the defaults', () => {
    expect(filtersToSearch(DEFAULT_FILTERS).toString()).toBe('');
  });

  it('restores every field from its own URL', () => {
    const s: FilterState = {
      municipality: '9999', preset: 'custom', from: '2026-02-01', to: '2026-05-01', categories: ['stold', 'hot'], sources: ['police'],
      compare: 'year', selectedDistrict: 12, lang: 'en', step: 'week', mode: 'window', frame: 4,
    };
    expect(filtersFromSearch(filtersToSearch(s).toString())).toEqual(s);
  });

  it('ignores hostile or unknown values', () => {
    const s = filtersFromSearch('?period=drop&category=<script>,stold&source=evil,police&district=-3&frame=1e9&municipality=12345&lang=xx');
    expect(s.preset).toBe('last12');
    expect(s.categories).toEqual(['stold']);
    expect(s.sources).toEqual(['police']);
    expect(s.selectedDistrict).toBeNull();
    expect(s.frame).toBeNull();
    expect(s.municipality).toBeNull();
    expect(s.lang).toBe('sv');
  });
});
