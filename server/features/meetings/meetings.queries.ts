import { sql } from 'kysely';
import type { Db } from '../../infra/db.ts';

/** A meeting row as the service reads it. */
export interface MeetingRow {
  id: number;
  municipality_code: string;
  council_id: number | null;
  council: string;
  title: string | null;
  notes: string | null;
  date: string;
  district_ids: number[];
  filters: MeetingFilters;
  status: 'open' | 'closed';
  closed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The filters a meeting shows its numbers with: a half-open period and optionally categories. */
export interface MeetingFilters {
  from: string;
  to: string;
  categories?: string[];
}

const MEETING_COLUMNS = sql`id, municipality_code, council_id, council, title, notes, date, district_ids, filters, status, closed_at, created_at, updated_at`;

/** One meeting by id; `forUpdate` locks its row for the rest of the transaction. */
export async function findMeeting(db: Db, id: number, forUpdate = false): Promise<MeetingRow | undefined> {
  const rows = await sql<MeetingRow>`SELECT ${MEETING_COLUMNS} FROM meeting WHERE id = ${id} ${forUpdate ? sql`FOR UPDATE` : sql``}`.execute(db);
  return rows.rows[0];
}

/** Meetings of a municipality, optionally of one council, newest first. */
export async function listMeetings(db: Db, municipality: string, councilId: number | null): Promise<MeetingRow[]> {
  const rows = await sql<MeetingRow>`SELECT ${MEETING_COLUMNS} FROM meeting WHERE municipality_code = ${municipality}
    ${councilId !== null ? sql`AND council_id = ${councilId}` : sql``} ORDER BY date DESC, id DESC LIMIT 1000`.execute(db);
  return rows.rows;
}

/** Inserts a meeting and returns its id. */
export async function insertMeeting(
  db: Db,
  m: { municipality: string; councilId: number; councilName: string; title: string | null; date: string; district_ids: number[]; filters: MeetingFilters; userId: number | null },
): Promise<number> {
  const rows = await sql<{ id: number }>`INSERT INTO meeting (municipality_code, council_id, council, title, date, district_ids, filters, created_by, updated_by)
    VALUES (${m.municipality}, ${m.councilId}, ${m.councilName}, ${m.title}, ${m.date}, ${m.district_ids}::bigint[], ${JSON.stringify(m.filters)}::jsonb, ${m.userId}, ${m.userId})
    RETURNING id`.execute(db);
  return rows.rows[0].id;
}

/** Updates an open meeting's editable fields. */
export async function updateMeeting(
  db: Db,
  m: { id: number; title: string | null; notes: string | null; date: string; district_ids: number[]; filters: MeetingFilters; userId: number | null },
): Promise<void> {
  await sql`UPDATE meeting SET title = ${m.title}, notes = ${m.notes}, date = ${m.date}, district_ids = ${m.district_ids}::bigint[],
    filters = ${JSON.stringify(m.filters)}::jsonb, updated_by = ${m.userId}, updated_at = now() WHERE id = ${m.id} AND status = 'open'`.execute(db);
}

/** Marks a meeting closed and stores its snapshot (one JSON document holding every disclosure tier). */
export async function storeSnapshot(
  db: Db,
  s: { municipality: string; meetingId: number; cutoff: Date; filters: MeetingFilters; data: unknown; userId: number | null },
): Promise<void> {
  await sql`INSERT INTO meeting_snapshot (municipality_code, meeting_id, data_cutoff_at, filters, data)
    VALUES (${s.municipality}, ${s.meetingId}, ${s.cutoff}, ${JSON.stringify(s.filters)}::jsonb, ${JSON.stringify(s.data)}::jsonb)`.execute(db);
  await sql`UPDATE meeting SET status = 'closed', closed_at = now(), closed_by = ${s.userId}, updated_by = ${s.userId}, updated_at = now()
    WHERE municipality_code = ${s.municipality} AND id = ${s.meetingId}`.execute(db);
}

/** The frozen snapshot as one tier sees it: the stored text of that tier only, so reopening is one indexed read. */
export async function readSnapshotTier(db: Db, municipality: string, meetingId: number, tier: string) {
  const rows = await sql<{ taken_at: Date; data_cutoff_at: Date; filters: MeetingFilters; tier: string | null }>`
    SELECT taken_at, data_cutoff_at, filters, (data -> 'tiers' -> ${tier})::text AS tier
      FROM meeting_snapshot WHERE municipality_code = ${municipality} AND meeting_id = ${meetingId}`.execute(db);
  return rows.rows[0];
}

/**
 * The data cut-off of a municipality: the latest incident time and the latest import still in force,
 * whichever is later (null when there is no data at all).
 */
export async function findDataCutoff(db: Db, municipality: string): Promise<{ latest_incident_at: Date | null; latest_import_at: Date | null }> {
  const rows = await sql<{ latest_incident_at: Date | null; latest_import_at: Date | null }>`SELECT
      (SELECT max(occurred_at) FROM incident WHERE municipality_code = ${municipality}) AS latest_incident_at,
      (SELECT max(created_at) FROM import_batch WHERE municipality_code = ${municipality} AND status = 'committed') AS latest_import_at`.execute(db);
  return rows.rows[0];
}

/** For each point (WGS84), the listed district that contains it, if any. */
export async function districtsContainingPoints(
  db: Db, municipality: string, districtIds: readonly number[], points: readonly { lon: number; lat: number }[],
): Promise<Map<number, number[]>> {
  const result = new Map<number, number[]>();
  if (!points.length || !districtIds.length) return result;
  const rows = await sql<{ k: number; district_id: number }>`
    SELECT p.k::int AS k, d.id AS district_id
      FROM unnest(${points.map((p) => p.lon)}::float8[], ${points.map((p) => p.lat)}::float8[]) WITH ORDINALITY AS p(lon, lat, k)
      JOIN district d ON d.municipality_code = ${municipality} AND d.id = ANY(${[...districtIds]}::bigint[])
       AND ST_Contains(d.geom, ST_Transform(ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326), 3006))`.execute(db);
  for (const r of rows.rows) {
    const list = result.get(r.district_id) ?? [];
    list.push(r.k - 1);
    result.set(r.district_id, list);
  }
  return result;
}

/** Districts of the municipality by id: name, kind and population as they are now. */
export async function listDistrictsById(db: Db, municipality: string, ids: readonly number[]) {
  const rows = await sql<{ id: number; name: string; kind: string; population: number | null }>`
    SELECT id, name, kind, population FROM district WHERE municipality_code = ${municipality} AND id = ANY(${[...ids]}::bigint[])`.execute(db);
  return rows.rows;
}

/** Actions still planned or under way that touch these districts. */
export async function listOpenActionsIn(db: Db, municipality: string, districtIds: readonly number[]) {
  const rows = await sql<{ id: number; title: string; status: string; responsible: string | null; start_date: string | null; end_date: string | null; district_ids: number[] }>`
    SELECT id, title, status, responsible, start_date, end_date,
           (CASE WHEN district_id IS NULL THEN district_ids ELSE array_append(district_ids, district_id) END) AS district_ids
      FROM action WHERE municipality_code = ${municipality} AND status IN ('planned', 'ongoing')
       AND (district_ids && ${[...districtIds]}::bigint[] OR district_id = ANY(${[...districtIds]}::bigint[]))
     ORDER BY start_date NULLS LAST, id`.execute(db);
  return rows.rows;
}

/** Citizen promises agreed or published that touch these districts. */
export async function listActivePromisesIn(db: Db, municipality: string, districtIds: readonly number[]) {
  const rows = await sql<{ id: number; title: string; status: string; period_start: string; period_end: string; district_ids: number[] }>`
    SELECT id, title, status, period_start, period_end, district_ids
      FROM citizen_promise WHERE municipality_code = ${municipality} AND status IN ('agreed', 'published')
       AND district_ids && ${[...districtIds]}::bigint[] ORDER BY period_start, id`.execute(db);
  return rows.rows;
}

/** A district outline for the minutes' maps: an SVG path in SWEREF 99 TM metres (y negated, as SVG runs down). */
export interface DistrictOutline {
  id: number;
  name: string;
  path: string;
}

/**
 * Outlines of the listed districts, simplified to a few metres (invisible at print size) as SVG path data,
 * and the view box around them all ("minX minY width height" in the same negated-y metres).
 */
export async function listDistrictOutlines(db: Db, municipality: string, ids: readonly number[]): Promise<{ view_box: string | null; districts: DistrictOutline[] }> {
  const rows = await sql<DistrictOutline>`
    SELECT id, name, ST_AsSVG(ST_SimplifyPreserveTopology(geom, 5), 0, 0) AS path
      FROM district WHERE municipality_code = ${municipality} AND id = ANY(${[...ids]}::bigint[]) ORDER BY id`.execute(db);
  const box = await sql<{ x: number | null; y: number | null; w: number | null; h: number | null }>`
    SELECT floor(ST_XMin(e))::float8 AS x, (-ceil(ST_YMax(e)))::float8 AS y,
           (ceil(ST_XMax(e)) - floor(ST_XMin(e)))::float8 AS w, (ceil(ST_YMax(e)) - floor(ST_YMin(e)))::float8 AS h
      FROM (SELECT ST_Extent(geom)::geometry AS e FROM district WHERE municipality_code = ${municipality} AND id = ANY(${[...ids]}::bigint[])) x`.execute(db);
  const b = box.rows[0];
  return { view_box: b && b.x !== null ? `${b.x} ${b.y} ${b.w} ${b.h}` : null, districts: rows.rows };
}

/** The district outlines frozen with a meeting's snapshot (absent in snapshots taken before they were kept). */
export async function readSnapshotMap(db: Db, municipality: string, meetingId: number): Promise<{ view_box: string | null; districts: DistrictOutline[] } | null> {
  const rows = await sql<{ map: { view_box: string | null; districts: DistrictOutline[] } | null }>`
    SELECT data -> 'map' AS map FROM meeting_snapshot WHERE municipality_code = ${municipality} AND meeting_id = ${meetingId}`.execute(db);
  return rows.rows[0]?.map ?? null;
}
