import { describe, expect, it } from 'vitest';
import { heatColor, heatTable, shareBars, sparkline, yearWheel } from '../../../client/ui/charts.ts';
import { escapeHtml, formatChange, formatNumber, formatPeriod } from '../../../client/ui/format.ts';
import { nextFrame } from '../../../client/ui/timeline.ts';
import { groupCategories, selectionSummary } from '../../../client/ui/filter-form.ts';
import { choroplethLegend } from '../../../client/features/districts/districts.legend.ts';
import { cellLegend, dotLegend } from '../../../client/features/incidents/incidents.legend.ts';
import { renderLegendHtml } from '../../../client/ui/legend.ts';
import { colorFor, OKABE_ITO } from '../../../client/ui/color-scale.ts';

describe('formatters', () => {
  it('formats numbers, changes and periods per language', () => {
    expect(formatNumber(1234.5, 'sv', 1).replace(/\s/g, ' ')).toBe('1 234,5');
    expect(formatNumber(1234.5, 'en', 1)).toBe('1,234.5');
    expect(formatNumber(null, 'sv')).toBe('–');
    expect(formatChange(-8.4, 'sv')).toBe('−8 %');
    expect(formatChange(12, 'en')).toBe('+12 %');
    expect(formatPeriod({ from: '2026-01-01', to: '2026-02-01' }, 'en')).toBe('1 Jan 2026 – 31 Jan 2026');
  });

  it('escapes HTML', () => {
    expect(escapeHtml('<a href="x">&\'')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
  });
});

describe('SVG charts', () => {
  it('draws a sparkline path through every value with a title', () => {
    const svg = sparkline([1, 5, 3], { title: 'Trend <x>' });
    expect(svg).toContain('role="img"');
    expect(svg).toContain('<title>Trend &lt;x&gt;</title>');
    expect((svg.match(/[ML]\d/g) ?? []).length).toBe(3);
  });

  it('colours heat cells by share of the maximum', () => {
    expect(heatColor(0, 10)).toEqual([255, 255, 255]);
    expect(heatColor(10, 10)).toEqual([189, 0, 38]);
  });

  it('renders the weekday × hour table with 7 rows of 24 cells', () => {
    const html = heatTable(Array.from({ length: 7 }, () => Array.from({ length: 24 }, (_, h) => h)), ['Mån', 'Tis', 'Ons', 'Tor', 'Fre', 'Lör', 'Sön'], 'x');
    expect((html.match(/<td /g) ?? []).length).toBe(168);
    expect(html).toContain('<th scope="row">Sön</th>');
  });

  it('draws twelve wedges in the årshjul', () => {
    const svg = yearWheel([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 'jan,feb,mar,apr,maj,jun,jul,aug,sep,okt,nov,dec'.split(','), 'Årshjul');
    expect((svg.match(/<path /g) ?? []).length).toBe(12);
  });

  it('shows share bars with interval whiskers and n, and suppressed groups as text', () => {
    const svg = shareBars([
      { label: 'Kvinnor', share: 0.3, low: 0.25, high: 0.35, n: 120 },
      { label: '80+', share: null, low: null, high: null, n: 6, suppressed: true },
    ], 'Kön', (v) => `${Math.round(v * 100)} %`, 'för få svar');
    expect(svg).toContain('30 % (n=120)');
    expect(svg).toContain('för få svar (n=6)');
    expect((svg.match(/<line /g) ?? []).length).toBe(3);
  });
});

describe('controls logic', () => {
  it('plays frames in order and stops after the last', () => {
    expect(nextFrame(null, 3)).toBe(0);
    expect(nextFrame(1, 3)).toBe(2);
    expect(nextFrame(2, 3)).toBeNull();
  });

  it('groups categories by focus area and puts the rest last', () => {
    const cats = [
      { code: 'stold', name_sv: 'Stöld', name_en: 'Theft', sensitivity: 'open' },
      { code: 'hot', name_sv: 'Olaga hot', name_en: 'Threat', sensitivity: 'open' },
      { code: 'brand', name_sv: 'Brand', name_en: 'Arson', sensitivity: 'open' },
    ];
    const groups = groupCategories(cats, [{ code: 'a', name_sv: 'Område A', name_en: 'Area A', categories: ['stold', 'hot'] }], 'sv');
    expect(groups.map((g) => [g.name, g.categories.map((c) => c.code)])).toEqual([['Område A', ['stold', 'hot']], ['Övriga', ['brand']]]);
    expect(selectionSummary(0, 'sv')).toBe('alla');
    expect(selectionSummary(2, 'en')).toBe('2 selected');
  });

  it('builds a change legend with the significance note', () => {
    const legend = choroplethLegend('change', [], null, 'sv', 12);
    expect(legend.rows).toHaveLength(9);
    expect(legend.rows.at(-1)!.label).toContain('statistiskt säkerställd');
    expect(renderLegendHtml(legend)).toContain('12 utan plats');
  });

  it('builds a rate legend with one row per class plus no data', () => {
    const legend = choroplethLegend('rate', [10, 20], 30, 'en', null);
    expect(legend.rows.map((r) => r.label)).toEqual(['0.0 – 10.0', '10.0 – 20.0', '20.0 – 30.0', 'fewer than 5 (hidden) / no population figure']);
  });
});

describe('incident cell legend', () => {
  it('names each count class as a range that covers 1 … max without gaps, coloured as the cells', () => {
    const model = cellLegend([2, 4, 8, 15], 30, 50, 'sv');
    expect(model.title).toBe('Händelser per ruta (50 × 50 m)');
    expect(model.rows.map((r) => r.label)).toEqual(['1', '2–3', '4–7', '8–14', '15–30']);
    expect(model.rows.map((r) => r.color)).toEqual([1, 2, 4, 8, 15].map((v) => colorFor(v, [2, 4, 8, 15])));
    expect(cellLegend([], 1, 200, 'en').rows.map((r) => r.label)).toEqual(['1']);
    expect(cellLegend([], 0, 200, 'en').rows).toEqual([]);
  });
});

describe('incident dot legend', () => {
  it('gives each category the colour its dots are drawn in, and warns when colours repeat', () => {
    const model = dotLegend(['Stöld', 'Hot'], 'sv');
    expect(model.rows).toEqual([{ color: OKABE_ITO[0], label: 'Stöld' }, { color: OKABE_ITO[1], label: 'Hot' }]);
    expect(model.notes).toEqual([]);
    const many = dotLegend(Array.from({ length: OKABE_ITO.length + 1 }, (_, i) => `k${i}`), 'en');
    expect(many.rows[OKABE_ITO.length].color).toEqual(OKABE_ITO[0]);
    expect(many.notes[0]).toContain('colours repeat');
  });
});
