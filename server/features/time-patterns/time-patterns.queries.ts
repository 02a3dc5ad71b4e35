import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../infra/db.ts';
import { incidentInAreaSql } from '../disclosure/index.ts';
import { incidentConditionsSql, type DrawnArea } from '../incidents/incident-filter-sql.ts';
import type { IncidentFilters } from '../incidents/incident-filters.ts';
import { stockholmMidnight } from '../../infra/postgis.ts';
import { monthIndexOfDaySql, splitPeriodByMonth } from '../incidents/incident-rollups.ts';

/** Counts by local hour of the week (0 = Monday 00:00–00:59 … 167) and by local month × category. */
export interface TimeCounts {
  how: { how: number; n: number }[];
  /** month as year × 12 + month − 1 (Europe/Stockholm). */
  months: { month: number; category_code: string; n: number }[];
  /** Municipality-wide only: how many of them have no coordinates. */
  unlocated?: number;
}

const rollupFilter = (f: IncidentFilters, first: number, end: number) => sql`municipality_code = ${f.municipality}
   AND month >= ${first} AND month < ${end} AND n <> 0
   AND category_code = ANY(${f.categories}::text[])
   ${f.sources ? sql`AND source = ANY(${f.sources}::text[])` : sql``}`;

const dayRollupFilter = (f: IncidentFilters, from: string, to: string) => sql`municipality_code = ${f.municipality}
   AND day >= ${from}::date AND day < ${to}::date AND n <> 0
   AND category_code = ANY(${f.categories}::text[])
   ${f.sources ? sql`AND source = ANY(${f.sources}::text[])` : sql``}`;

/**
 * Municipality-wide time counts (every incident, located or not): whole local months from the
 * rollups of migrations/0004, the days around them from the daily rollups of 0011 (never the raw
 * rows, whose order on disk is the order of the import files).
 */
async function countMunicipalityByTime(db: Db, f: IncidentFilters): Promise<TimeCounts> {
  const split = splitPeriodByMonth(f.from, f.to);
  const howParts: RawBuilder<unknown>[] = [];
  const monthParts: RawBuilder<unknown>[] = [];
  if (split.months) {
    const where = rollupFilter(f, split.months.first, split.months.end);
    howParts.push(sql`SELECT how, sum(n)::int AS n FROM incident_how_rollup WHERE ${where} GROUP BY how`);
    monthParts.push(sql`SELECT month, category_code, sum(n)::int AS n, coalesce(sum(n) FILTER (WHERE NOT located), 0)::int AS unlocated
      FROM incident_month_rollup WHERE ${where} GROUP BY month, category_code`);
  }
  for (const e of split.edges) {
    const where = dayRollupFilter(f, e.from, e.to);
    howParts.push(sql`SELECT how, sum(n)::int AS n FROM incident_day_how_rollup WHERE ${where} GROUP BY how`);
    monthParts.push(sql`SELECT ${monthIndexOfDaySql(sql`day`)} AS month, category_code, sum(n)::int AS n, coalesce(sum(n) FILTER (WHERE NOT located), 0)::int AS unlocated
      FROM incident_day_rollup WHERE ${where} GROUP BY 1, category_code`);
  }
  // Two independent sums: on a server they run side by side on two pooled connections.
  const [how, months] = await Promise.all([
    sql<{ how: number; n: number }>`
      SELECT how, sum(n)::int AS n FROM (${sql.join(howParts, sql` UNION ALL `)}) x GROUP BY how`.execute(db),
    sql<{ month: number; category_code: string; n: number; unlocated: number }>`
      SELECT month, category_code, sum(n)::int AS n, sum(unlocated)::int AS unlocated
        FROM (${sql.join(monthParts, sql` UNION ALL `)}) x GROUP BY month, category_code`.execute(db),
  ]);
  // The unlocated count comes with the months (the same rollup rows, one pass).
  return {
    how: how.rows,
    months: months.rows.map(({ month, category_code, n }) => ({ month, category_code, n })),
    unlocated: months.rows.reduce((a, r) => a + r.unlocated, 0),
  };
}

/**
 * Incident counts by local hour of the week and by local month × category. Without an area or
 * district every matching incident counts, located or not; a district keeps its subtree's located
 * incidents, a drawn area (WGS84, stored as SWEREF 99 TM) the located incidents it covers, or with
 * `snapped` those whose 500 m grid cell centre it covers (disclosure control).
 */
export async function countIncidentsByTime(db: Db, filters: IncidentFilters, area: DrawnArea | null, options: { snapped: boolean }): Promise<TimeCounts> {
  if (!area && filters.districtId === null) return countMunicipalityByTime(db, filters);
  const inArea = area ? await incidentInAreaSql(db, area, options.snapped) : null;
  const matching = (condition: RawBuilder<unknown> | null, geom = false) => sql`
      SELECT incident.local_how, incident.local_month, incident.category_code${geom ? sql`, incident.geom` : sql``}
        FROM incident
       WHERE ${incidentConditionsSql(filters)} ${condition ? sql`AND ${condition}` : sql``}`;
  const edge = inArea?.edge;
  const rows = await sql<{ how: number | null; month: number | null; category_code: string | null; n: number }>`
    SELECT local_how AS how, local_month AS month, category_code, count(*)::int AS n FROM (
      ${matching(inArea?.inside ?? null)}
      ${edge ? sql`UNION ALL SELECT local_how, local_month, category_code
        FROM (${matching(edge.read, true)} OFFSET 0) incident WHERE ${edge.refine}` : sql``}
    ) x
     GROUP BY GROUPING SETS ((local_how), (local_month, category_code))`.execute(db);
  return {
    how: rows.rows.filter((r) => r.how !== null).map((r) => ({ how: r.how!, n: r.n })),
    months: rows.rows.filter((r) => r.month !== null).map((r) => ({ month: r.month!, category_code: r.category_code!, n: r.n })),
  };
}

/**
 * Time counts of each listed district (its subtree's located incidents, as countIncidentsByTime with
 * `districtId`) under each of several filters of one municipality and sources (say, one per disclosure tier),
 * from one pass over the incidents: each incident carries a bit per filter it matches and the counts are
 * grouped by that mask. Answers one map per filters; every listed district of the municipality gets an
 * entry, empty ones included.
 */
export async function countIncidentsByTimePerDistrict(
  db: Db, filtersList: readonly IncidentFilters[], districtIds: readonly number[],
): Promise<Map<number, TimeCounts>[]> {
  const out = filtersList.map(() => new Map<number, TimeCounts>());
  if (!districtIds.length || !filtersList.length) return out;
  if (filtersList.length > 16) throw new Error('at most 16 filters per pass');
  const first = filtersList[0];
  for (const f of filtersList) {
    if (f.municipality !== first.municipality || JSON.stringify(f.sources) !== JSON.stringify(first.sources)) throw new Error('filters of one pass must share municipality and sources');
  }
  const ids = [...new Set(districtIds)];
  const from = filtersList.map((f) => f.from).sort()[0];
  const to = filtersList.map((f) => f.to).sort().at(-1)!;
  const categories = [...new Set(filtersList.flatMap((f) => f.categories))];
  const mask = sql.join(filtersList.map((f, t) => sql`(CASE WHEN incident.occurred_at >= ${stockholmMidnight(f.from)} AND incident.occurred_at < ${stockholmMidnight(f.to)}
      AND incident.category_code = ANY(${f.categories}::text[]) THEN ${2 ** t}::int ELSE 0 END)`), sql` + `);
  const subtree = await sql<{ top_id: number; id: number }>`
    WITH RECURSIVE subtree AS (
      SELECT id AS top_id, id FROM district WHERE municipality_code = ${first.municipality} AND id = ANY(${ids}::bigint[])
      UNION ALL
      SELECT s.top_id, d.id FROM district d JOIN subtree s ON d.parent_id = s.id WHERE d.municipality_code = ${first.municipality}
    ) SELECT top_id, id FROM subtree`.execute(db);
  const topsOf = new Map<number, number[]>();
  for (const r of subtree.rows) topsOf.set(r.id, [...(topsOf.get(r.id) ?? []), r.top_id]);
  for (const map of out) for (const r of subtree.rows) if (r.top_id === r.id) map.set(r.id, { how: [], months: [] });
  if (!topsOf.size) return out;
  // Grouped by the incident's own (finest) district, read through the district index, and added up to the
  // listed districts here: cheaper than joining every incident to the subtree.
  const rows = await sql<{ district_id: number; mask: number; how: number | null; month: number | null; category_code: string | null; n: number }>`
    SELECT district_id, mask, how, month, category_code, count(*)::int AS n FROM (
      SELECT incident.district_id, incident.local_how AS how, incident.local_month AS month, incident.category_code, ${mask} AS mask
        FROM incident
       WHERE ${incidentConditionsSql({ ...first, from, to, categories, districtId: null })}
         AND incident.district_id = ANY(${[...topsOf.keys()]}::bigint[])
    ) matched WHERE mask <> 0
     GROUP BY GROUPING SETS ((district_id, mask, how), (district_id, mask, month, category_code))`.execute(db);
  for (const r of rows.rows) {
    for (const top of topsOf.get(r.district_id) ?? []) {
      filtersList.forEach((_, t) => {
        if (!(r.mask & (2 ** t))) return;
        const counts = out[t].get(top)!;
        if (r.how !== null) counts.how.push({ how: r.how, n: r.n });
        else if (r.month !== null) counts.months.push({ month: r.month, category_code: r.category_code!, n: r.n });
      });
    }
  }
  return out;
}
