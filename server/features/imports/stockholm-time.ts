/** The time zone in which times without an offset are read (SPEC §4.2). */
export const STOCKHOLM_TIME_ZONE = 'Europe/Stockholm';

const HOUR_MS = 3_600_000;

const offsetFormatter = new Intl.DateTimeFormat('en-US', {
  timeZone: STOCKHOLM_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

// Offsets change on whole hours (UTC) in Europe/Stockholm since 1900, so one lookup per UTC hour suffices.
const offsetCache = new Map<number, number>();

/** Stockholm's UTC offset in milliseconds at the instant `utcMs` (3,600,000 in winter, 7,200,000 in summer). */
export function stockholmOffsetMs(utcMs: number): number {
  const hour = Math.floor(utcMs / HOUR_MS);
  const cached = offsetCache.get(hour);
  if (cached !== undefined) return cached;
  const parts = offsetFormatter.formatToParts(new Date(hour * HOUR_MS));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const offset = asUtc - hour * HOUR_MS;
  if (offsetCache.size > 50_000) offsetCache.clear();
  offsetCache.set(hour, offset);
  return offset;
}

/** A wall-clock time in Stockholm. Month is 1-based. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** How a local time maps to real instants: once, twice (autumn overlap) or never (spring gap). */
export type LocalTimeKind = 'normal' | 'ambiguous' | 'nonexistent';

/**
 * Converts a Stockholm wall-clock time to a UTC instant (ms since epoch) the way Temporal's
 * `disambiguation: 'compatible'` does: an ambiguous autumn time (02:00–02:59 on the last Sunday of
 * October) is the first occurrence, in summer time; a nonexistent spring time (02:00–02:59 on the last
 * Sunday of March) is moved forward by the length of the gap, so 02:30 becomes 03:30 summer time.
 * Hand-typed times in the gap are nearly always a clock reading taken just before the change was
 * noticed; moving forward keeps the row and its order instead of rejecting it.
 */
export function stockholmLocalToUtc(local: LocalDateTime): { utcMs: number; kind: LocalTimeKind } {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second, local.millisecond);
  // The offset a few hours either side brackets every candidate (Stockholm offsets are +1 h or +2 h).
  const before = stockholmOffsetMs(wall - 3 * HOUR_MS);
  const after = stockholmOffsetMs(wall + 3 * HOUR_MS);
  if (before === after) return { utcMs: wall - before, kind: 'normal' };
  const earlier = Math.max(before, after);
  const later = Math.min(before, after);
  const earlierFits = stockholmOffsetMs(wall - earlier) === earlier;
  const laterFits = stockholmOffsetMs(wall - later) === later;
  if (earlierFits && laterFits) return { utcMs: wall - earlier, kind: 'ambiguous' };
  if (earlierFits) return { utcMs: wall - earlier, kind: 'normal' };
  if (laterFits) return { utcMs: wall - later, kind: 'normal' };
  // In the gap: read the wall time with the offset in force before the gap, which lands after it.
  return { utcMs: wall - before, kind: 'nonexistent' };
}

/** The Stockholm calendar date (YYYY-MM-DD) of an instant. */
export function stockholmDate(utcMs: number): string {
  const local = new Date(utcMs + stockholmOffsetMs(utcMs));
  return local.toISOString().slice(0, 10);
}

/** The first instant after the Stockholm calendar day containing `utcMs`: the end of "today" for plausibility checks. */
export function endOfStockholmDay(utcMs: number): number {
  if (utcMs === lastEndOfDay.forMs) return lastEndOfDay.endMs;
  const [year, month, day] = stockholmDate(utcMs).split('-').map(Number);
  const endMs = stockholmLocalToUtc({ year, month, day: day + 1, hour: 0, minute: 0, second: 0, millisecond: 0 }).utcMs;
  lastEndOfDay = { forMs: utcMs, endMs };
  return endMs;
}

// An import asks with the same "now" for every row.
let lastEndOfDay = { forMs: Number.NaN, endMs: 0 };
