import { css, type Rgb } from './color-scale.ts';
import { escapeHtml } from './format.ts';

const swatch = (rgb: Rgb, extra = '') => `<span class="swatch" style="background:${css(rgb)}${extra}"></span>`;

/** One legend: a title and rows of swatch + label (also what the PNG export draws). */
export interface LegendModel { title: string; rows: { color: Rgb; label: string; outline?: boolean }[]; notes: string[] }

/** A legend model as HTML. */
export function renderLegendHtml(model: LegendModel): string {
  const rows = model.rows.map((r) => `<li>${swatch(r.color, r.outline ? ';border:3px solid #141414' : '')}${escapeHtml(r.label)}</li>`).join('');
  const notes = model.notes.map((n) => `<p class="muted small">${escapeHtml(n)}</p>`).join('');
  return `<h2>${escapeHtml(model.title)}</h2><ul class="legend-rows">${rows}</ul>${notes}`;
}
