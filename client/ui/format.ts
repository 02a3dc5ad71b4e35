import { locale, type Lang } from '../i18n.ts';

/** A number in the language's style, with the given decimals. */
export function formatNumber(value: number | null, lang: Lang, decimals = 0): string {
  if (value === null || !Number.isFinite(value)) return '–';
  return new Intl.NumberFormat(locale(lang), { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(value);
}

/** A signed percentage change, e.g. "+12 %" / "−8 %". */
export function formatChange(pct: number | null, lang: Lang): string {
  if (pct === null || !Number.isFinite(pct)) return '–';
  const sign = pct > 0 ? '+' : pct < 0 ? '−' : '±';
  return `${sign}${formatNumber(Math.abs(pct), lang, 0)} %`;
}

/** Escapes text for insertion into HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A half-open period [from, to) shown with its inclusive last day, e.g. "22 nov. 2025 – 21 nov. 2026". */
export function formatPeriod(period: { from: string; to: string }, lang: Lang): string {
  const fmt = new Intl.DateTimeFormat(locale(lang), { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  const last = new Date(`${period.to}T00:00:00Z`);
  last.setUTCDate(last.getUTCDate() - 1);
  return `${fmt.format(new Date(`${period.from}T00:00:00Z`))} – ${fmt.format(last)}`;
}
