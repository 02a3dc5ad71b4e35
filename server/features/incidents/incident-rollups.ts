import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../infra/db.ts';

/** Month index as stored in `incident.local_month` and the rollups: year × 12 + month − 1. */
export function monthIndex(date: string): number {
  return Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
}

/** The first day 'YYYY-MM-01' of a month index. */
export function monthStart(index: number): string {
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}

/** A half-open period split into whole local months and the runs of days around them (both read from rollups). */
export interface PeriodSplit {
  /** Whole months [first, end) as month indexes, or null when the period holds none. */
  months: { first: number; end: number } | null;
  /** Half-open day ranges outside the whole months (at most two), read from the daily rollups (migrations/0011). */
  edges: { from: string; to: string }[];
}

/** Splits [from, to) (Stockholm dates) into whole months and the leftover days before and after them. */
export function splitPeriodByMonth(from: string, to: string): PeriodSplit {
  const first = monthIndex(from) + (from.slice(8) === '01' ? 0 : 1);
  const end = monthIndex(to);
  if (first >= end) return { months: null, edges: [{ from, to }] };
  const edges: { from: string; to: string }[] = [];
  if (monthStart(first) > from) edges.push({ from, to: monthStart(first) });
  if (monthStart(end) < to) edges.push({ from: monthStart(end), to });
  return { months: { first, end }, edges };
}

/**
 * Rebuilds a municipality's incident rollups (monthly and daily) from the raw incidents. The triggers of
 * migrations/0004 and 0011 keep the rollups exact through every INSERT, UPDATE and DELETE, so this is only
 * needed after TRUNCATE or writes with triggers disabled. Run it inside the writing transaction
 * (or alone); it takes the rollups' rows for the municipality from scratch.
 */
export async function refreshRollups(db: Db, municipality: string): Promise<void> {
  await sql`DELETE FROM incident_month_rollup WHERE municipality_code = ${municipality}`.execute(db);
  await sql`DELETE FROM incident_how_rollup WHERE municipality_code = ${municipality}`.execute(db);
  await sql`
    INSERT INTO incident_month_rollup (municipality_code, month, district_key, category_code, source, located, n)
    SELECT municipality_code, local_month, coalesce(district_id, 0), category_code, source, geom IS NOT NULL, count(*)::int
      FROM incident WHERE municipality_code = ${municipality} GROUP BY 1, 2, 3, 4, 5, 6`.execute(db);
  await sql`
    INSERT INTO incident_how_rollup (municipality_code, month, category_code, source, how, n)
    SELECT municipality_code, local_month, category_code, source, local_how, count(*)::int
      FROM incident WHERE municipality_code = ${municipality} GROUP BY 1, 2, 3, 4, 5`.execute(db);
  await sql`DELETE FROM incident_day_rollup WHERE municipality_code = ${municipality}`.execute(db);
  await sql`DELETE FROM incident_day_how_rollup WHERE municipality_code = ${municipality}`.execute(db);
  await sql`
    INSERT INTO incident_day_rollup (municipality_code, day, district_key, category_code, source, located, n)
    SELECT municipality_code, ${localDaySql}, coalesce(district_id, 0), category_code, source, geom IS NOT NULL, count(*)::int
      FROM incident WHERE municipality_code = ${municipality} GROUP BY 1, 2, 3, 4, 5, 6`.execute(db);
  await sql`
    INSERT INTO incident_day_how_rollup (municipality_code, day, category_code, source, how, n)
    SELECT municipality_code, ${localDaySql}, category_code, source, local_how, count(*)::int
      FROM incident WHERE municipality_code = ${municipality} GROUP BY 1, 2, 3, 4, 5`.execute(db);
}

const localDaySql = sql`(occurred_at AT TIME ZONE 'Europe/Stockholm')::date`;

/** SQL for the month index (year × 12 + month − 1) of a `date` column, matching `incident.local_month`. */
export function monthIndexOfDaySql(day: RawBuilder<unknown>): RawBuilder<number> {
  return sql<number>`(extract(year FROM ${day}) * 12 + extract(month FROM ${day}) - 1)::int`;
}
