import { endOfStockholmDay, stockholmLocalToUtc, type LocalTimeKind } from './stockholm-time.ts';

/** A parsed cell: the value, or a Swedish message saying what is wrong with it. */
export type CellResult<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): CellResult<T> => ({ ok: true, value });
const fail = <T>(message: string): CellResult<T> => ({ ok: false, message });

const SPACES = /[\s\u00a0\u202f]/g;

/**
 * Parses a decimal number written the Swedish or the international way: decimal comma or point,
 * optional sign, optional space (also no-break space) as thousands separator. Rejects exponents
 * (Excel's "6,58E+06" has lost digits), NaN, Infinity, two decimal separators and anything non-finite.
 */
export function parseDecimal(text: string): CellResult<number> {
  const raw = text.trim();
  if (raw === '') return fail('värdet saknas');
  if (/^[+-]?(nan|inf|infinity|∞)$/i.test(raw)) return fail(`"${clip(raw)}" är inget tal`);
  if (/^[+-]?\d+([.,]\d+)?e[+-]?\d+$/i.test(raw)) {
    return fail(`"${clip(raw)}" är skrivet i exponentform och har tappat siffror; formatera kolumnen som tal i Excel`);
  }
  let compact = raw;
  if (/^[+-]?\d{1,3}([\s\u00a0\u202f]\d{3})+([.,]\d+)?$/.test(raw)) compact = raw.replace(SPACES, '');
  const match = /^([+-]?)(\d+)(?:[.,](\d+))?$/.exec(compact) ?? /^([+-]?)()[.,](\d+)$/.exec(compact);
  if (!match) return fail(`"${clip(raw)}" är inget giltigt tal`);
  const value = Number(`${match[1]}${match[2] || '0'}.${match[3] ?? '0'}`);
  if (!Number.isFinite(value)) return fail(`"${clip(raw)}" är inget ändligt tal`);
  return ok(value);
}

/** A whole number ≥ 0, e.g. a population; decimal digits other than zeros are rejected. */
export function parseCount(text: string): CellResult<number> {
  const parsed = parseDecimal(text);
  if (!parsed.ok) return parsed;
  if (parsed.value < 0 || !Number.isInteger(parsed.value) || parsed.value > 100_000_000) {
    return fail(`"${clip(text.trim())}" är inget heltal ≥ 0`);
  }
  return parsed;
}

/** An integer answer in `min`…`max` (survey scales). */
export function parseScale(text: string, min: number, max: number): CellResult<number> {
  const raw = text.trim();
  if (!/^\d+$/.test(raw)) return fail(`"${clip(raw)}" är inget svarsalternativ; tillåtna värden är ${min}–${max}`);
  const value = Number(raw);
  if (value < min || value > max) return fail(`${value} ligger utanför skalan ${min}–${max}`);
  return ok(value);
}

/** Shortens a cell for quoting in a message. */
export function clip(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The earliest plausible incident date: anything before is taken for an empty Excel cell (1899-12-30, 1900-01-00). */
export const EARLIEST_PLAUSIBLE_UTC = Date.UTC(1950, 0, 1) - 3_600_000;

/** A parsed point in time with how the Stockholm wall-clock reading was resolved, when there was no offset. */
export interface ParsedInstant {
  utcMs: number;
  localKind: LocalTimeKind | 'offset';
}

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*(Z|[+-]\d{2}(?::?\d{2})?))?)?$/i;

/**
 * Parses an ISO 8601 date-time (`T` or a space between date and time; seconds, fractions and an offset
 * optional; a date alone is midnight). Without an offset the time is Stockholm local time, see
 * {@link stockholmLocalToUtc} for the daylight-saving rules. Checks the calendar (no 31 April, no
 * 1900-01-00) and plausibility: not before 1950, not after the Stockholm day containing `nowMs`.
 */
export function parseIncidentTime(text: string, nowMs: number): CellResult<ParsedInstant> {
  const raw = text.trim();
  if (raw === '') return fail('tidpunkt saknas');
  const match = ISO_PATTERN.exec(raw);
  if (!match) return fail(describeUnknownDate(raw));
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', offset] = match;
  return resolveInstant(
    { year: +y, month: +mo, day: +d, hour: +h, minute: +mi, second: +s, millisecond: Math.floor(Number(`0.${frac || '0'}`) * 1000) },
    offset,
    raw,
    nowMs,
  );
}

/**
 * Parses separate `datum` and `tid` cells (datum `ÅÅÅÅ-MM-DD` or `ÅÅÅÅMMDD`; tid `HH:MM`, `HH.MM`,
 * `HHMM`, with optional seconds; an empty tid is midnight) as Stockholm local time.
 */
export function parseDateAndTime(dateText: string, timeText: string, nowMs: number): CellResult<ParsedInstant> {
  const date = dateText.trim();
  const time = timeText.trim();
  if (date === '') return fail('datum saknas');
  const dm = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(date);
  if (!dm) return fail(describeUnknownDate(date));
  let hour = 0;
  let minute = 0;
  let second = 0;
  if (time !== '') {
    const tm = /^(\d{1,2})[:.]?(\d{2})(?:[:.](\d{2}))?$/.exec(time);
    if (!tm) return fail(`tiden "${clip(time)}" går inte att läsa; skriv den som TT:MM, t.ex. 14:30`);
    hour = +tm[1];
    minute = +tm[2];
    second = tm[3] ? +tm[3] : 0;
  }
  return resolveInstant(
    { year: +dm[1], month: +dm[2], day: +dm[3], hour, minute, second, millisecond: 0 },
    undefined,
    `${date} ${time}`.trim(),
    nowMs,
  );
}

function describeUnknownDate(raw: string): string {
  if (/^\d{5}([.,]\d+)?$/.test(raw)) {
    return `"${clip(raw)}" ser ut som ett Excel-datumnummer; formatera kolumnen som datum (ÅÅÅÅ-MM-DD TT:MM) innan du sparar`;
  }
  if (/^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}/.test(raw)) {
    return `datumet "${clip(raw)}" är tvetydigt; skriv det som ÅÅÅÅ-MM-DD, t.ex. 2024-03-05 14:30`;
  }
  return `"${clip(raw)}" är inget datum; skriv det som ÅÅÅÅ-MM-DD TT:MM, t.ex. 2024-03-05 14:30`;
}

function resolveInstant(
  local: { year: number; month: number; day: number; hour: number; minute: number; second: number; millisecond: number },
  offset: string | undefined,
  raw: string,
  nowMs: number,
): CellResult<ParsedInstant> {
  const { year, month, day, hour, minute, second } = local;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return fail(`"${clip(raw)}" är inget giltigt datum`);
  if (hour > 23 || minute > 59 || second > 59) return fail(`"${clip(raw)}" har ett ogiltigt klockslag`);
  let result: ParsedInstant;
  if (offset) {
    const wall = Date.UTC(year, month - 1, day, hour, minute, second, local.millisecond);
    result = { utcMs: wall - parseOffsetMs(offset), localKind: 'offset' };
  } else {
    const resolved = stockholmLocalToUtc(local);
    result = { utcMs: resolved.utcMs, localKind: resolved.kind };
  }
  if (result.utcMs < EARLIEST_PLAUSIBLE_UTC) {
    return fail(`${year < 1901 ? `"${clip(raw)}" är troligen en tom Excel-cell` : `"${clip(raw)}" ligger före 1950`}; kontrollera datumet`);
  }
  if (result.utcMs >= endOfStockholmDay(nowMs)) return fail(`"${clip(raw)}" ligger i framtiden (efter importdagen)`);
  return ok(result);
}

function parseOffsetMs(offset: string): number {
  if (offset.toUpperCase() === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(offset)!;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return (m[1] === '-' ? -1 : 1) * minutes * 60_000;
}
