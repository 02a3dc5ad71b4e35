import { SEQUENTIAL_5, css, textColorOn, type Rgb } from './color-scale.ts';
import { escapeHtml } from './format.ts';

/** Small accessible SVG charts: each has a role="img" and a text title that says what it shows. */

/** A line sparkline of monthly counts; the last point is marked. Values null are gaps. */
export function sparkline(values: (number | null)[], opts: { width?: number; height?: number; title: string }): string {
  const w = opts.width ?? 300, h = opts.height ?? 60, pad = 4;
  const finite = values.filter((v): v is number => v !== null);
  if (!finite.length) return `<svg role="img" width="${w}" height="${h}" aria-label="${escapeHtml(opts.title)}"><title>${escapeHtml(opts.title)}</title></svg>`;
  const max = Math.max(1, ...finite);
  const x = (i: number) => pad + (values.length === 1 ? (w - 2 * pad) / 2 : (i * (w - 2 * pad)) / (values.length - 1));
  const y = (v: number) => h - pad - (v / max) * (h - 2 * pad);
  let d = '';
  values.forEach((v, i) => { if (v !== null) d += `${d && values[i - 1] !== null ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`; });
  const lastIndex = values.length - 1 - [...values].reverse().findIndex((v) => v !== null);
  const last = values[lastIndex]!;
  return `<svg class="chart sparkline" role="img" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" aria-label="${escapeHtml(opts.title)}">`
    + `<title>${escapeHtml(opts.title)}</title>`
    + `<line x1="${pad}" x2="${w - pad}" y1="${h - pad}" y2="${h - pad}" stroke="#8a94a3" stroke-width="1"/>`
    + `<path d="${d}" fill="none" stroke="#0b5cad" stroke-width="2"/>`
    + `<circle cx="${x(lastIndex).toFixed(1)}" cy="${y(last).toFixed(1)}" r="3.5" fill="#0b5cad"/></svg>`;
}

/** Colour of a heat-table cell: the sequential ramp by value over the matrix maximum (0 = white). */
export function heatColor(value: number, max: number): Rgb {
  if (value <= 0 || max <= 0) return [255, 255, 255];
  return SEQUENTIAL_5[Math.min(4, Math.floor((value / max) * 5 - 1e-9))];
}

/** The weekday × hour matrix as an HTML table with heat colours (numbers stay readable and copyable). */
export function heatTable(matrix: number[][], weekdayNames: string[], caption: string): string {
  const max = Math.max(0, ...matrix.flat());
  const head = `<tr><th scope="col"></th>${Array.from({ length: 24 }, (_, h) => `<th scope="col">${h % 3 === 0 ? String(h).padStart(2, '0') : ''}</th>`).join('')}</tr>`;
  const rows = matrix.map((row, d) => `<tr><th scope="row">${escapeHtml(weekdayNames[d] ?? String(d))}</th>${row.map((v, h) => {
    const bg = heatColor(v, max);
    return `<td style="background:${css(bg)};color:${css(textColorOn(bg))}" title="${escapeHtml(weekdayNames[d] ?? '')} ${String(h).padStart(2, '0')}: ${v}">${v}</td>`;
  }).join('')}</tr>`).join('');
  return `<table class="heat-table"><caption>${escapeHtml(caption)}</caption><thead>${head}</thead><tbody>${rows}</tbody></table>`;
}

/** The årshjul: twelve wedges (January at the top, clockwise), radius by the month's share of the maximum. */
export function yearWheel(byMonth: number[], monthNames: string[], title: string, size = 220): string {
  const c = size / 2, r0 = 22, rMax = c - 22;
  const max = Math.max(1, ...byMonth);
  const wedge = (i: number, r: number) => {
    const a0 = ((i / 12) * 2 - 0.5) * Math.PI + 0.02, a1 = (((i + 1) / 12) * 2 - 0.5) * Math.PI - 0.02;
    const p = (a: number, rad: number) => `${(c + rad * Math.cos(a)).toFixed(1)},${(c + rad * Math.sin(a)).toFixed(1)}`;
    return `M${p(a0, r0)}L${p(a0, r)}A${r.toFixed(1)},${r.toFixed(1)} 0 0 1 ${p(a1, r)}L${p(a1, r0)}A${r0},${r0} 0 0 0 ${p(a0, r0)}Z`;
  };
  const parts = byMonth.map((v, i) => {
    const r = r0 + (v / max) * (rMax - r0);
    const fill = heatColor(v, max);
    const mid = (((i + 0.5) / 12) * 2 - 0.5) * Math.PI;
    const lx = c + (rMax + 12) * Math.cos(mid), ly = c + (rMax + 12) * Math.sin(mid);
    return `<path d="${wedge(i, Math.max(r, r0 + 1))}" fill="${css(fill)}" stroke="#55606e" stroke-width="0.75"><title>${escapeHtml(monthNames[i] ?? '')}: ${v}</title></path>`
      + `<text x="${lx.toFixed(1)}" y="${ly.toFixed(1)}" font-size="11" text-anchor="middle" dominant-baseline="middle" fill="#1d2330">${escapeHtml(monthNames[i] ?? '')}</text>`;
  });
  return `<svg class="chart year-wheel" role="img" viewBox="0 0 ${size} ${size}" width="${size}" height="${size}" aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title>`
    + `<circle cx="${c}" cy="${c}" r="${rMax}" fill="none" stroke="#d4d9e0"/>${parts.join('')}</svg>`;
}

export interface ShareRow { label: string; share: number | null; low: number | null; high: number | null; n: number | null; suppressed?: boolean }

/** Horizontal share bars 0–100 % with the 95 % interval as a whisker and n beside each bar. */
export function shareBars(rows: ShareRow[], title: string, fmtPct: (v: number) => string, suppressedText: string): string {
  const w = 320, rowH = 24, labelW = 90, barW = 150, h = rows.length * rowH + 6;
  const x = (v: number) => labelW + v * barW;
  const body = rows.map((r, i) => {
    const y = 3 + i * rowH;
    const label = `<text x="0" y="${y + 15}" font-size="13" fill="#1d2330">${escapeHtml(r.label)}</text>`;
    if (r.suppressed || r.share === null) return `${label}<text x="${labelW}" y="${y + 15}" font-size="12" fill="#55606e">${escapeHtml(suppressedText)}${r.n !== null ? ` (n=${r.n})` : ''}</text>`;
    const whisker = r.low !== null && r.high !== null
      ? `<line x1="${x(r.low).toFixed(1)}" x2="${x(r.high).toFixed(1)}" y1="${y + 10}" y2="${y + 10}" stroke="#1d2330" stroke-width="1.5"/>`
        + `<line x1="${x(r.low).toFixed(1)}" x2="${x(r.low).toFixed(1)}" y1="${y + 5}" y2="${y + 15}" stroke="#1d2330"/>`
        + `<line x1="${x(r.high).toFixed(1)}" x2="${x(r.high).toFixed(1)}" y1="${y + 5}" y2="${y + 15}" stroke="#1d2330"/>` : '';
    return `${label}<rect x="${labelW}" y="${y + 3}" width="${(r.share * barW).toFixed(1)}" height="14" fill="#fd8d3c"/>${whisker}`
      + `<text x="${labelW + barW + 8}" y="${y + 15}" font-size="12" fill="#1d2330">${escapeHtml(fmtPct(r.share))} (n=${r.n ?? '–'})</text>`;
  }).join('');
  return `<svg class="chart share-bars" role="img" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title>${body}</svg>`;
}
