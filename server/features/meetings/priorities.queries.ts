import { sql } from 'kysely';
import type { Db } from '../../infra/db.ts';

/** A priority row with its meeting's council and status. */
export interface PriorityRow {
  id: number;
  municipality_code: string;
  meeting_id: number | null;
  council_id: number | null;
  meeting_status: 'open' | 'closed' | null;
  title: string;
  focus_area: string | null;
  place: string | null;
  district_ids: number[];
  rationale: string | null;
  owner: string | null;
  due_date: string | null;
  status: string;
  published: boolean;
  created_at: Date;
  updated_at: Date;
}

const PRIORITY_SELECT = sql`SELECT p.id, p.municipality_code, p.meeting_id, m.council_id, m.status AS meeting_status, p.title,
    (SELECT f.code FROM focus_area f WHERE f.municipality_code = p.municipality_code AND f.id = p.focus_area_id) AS focus_area,
    p.place, p.district_ids, p.rationale, p.owner, p.due_date, p.status, p.published, p.created_at, p.updated_at
  FROM priority p LEFT JOIN meeting m ON m.municipality_code = p.municipality_code AND m.id = p.meeting_id`;

/** One priority by id. */
export async function findPriority(db: Db, id: number): Promise<PriorityRow | undefined> {
  return (await sql<PriorityRow>`${PRIORITY_SELECT} WHERE p.id = ${id}`.execute(db)).rows[0];
}

/** Priorities of a municipality, optionally of one meeting or one council, in order of recording. */
export async function listPriorities(
  db: Db, municipality: string, f: { meetingId?: number | null; councilId?: number | null; publishedOnly?: boolean },
): Promise<PriorityRow[]> {
  const rows = await sql<PriorityRow>`${PRIORITY_SELECT} WHERE p.municipality_code = ${municipality}
    ${f.meetingId != null ? sql`AND p.meeting_id = ${f.meetingId}` : sql``}
    ${f.councilId != null ? sql`AND m.council_id = ${f.councilId}` : sql``}
    ${f.publishedOnly ? sql`AND p.published` : sql``}
    ORDER BY p.meeting_id, p.id LIMIT 5000`.execute(db);
  return rows.rows;
}

/** The id of a focus area of the municipality by its code. */
export async function findFocusAreaId(db: Db, municipality: string, code: string): Promise<number | undefined> {
  return (await sql<{ id: number }>`SELECT id FROM focus_area WHERE municipality_code = ${municipality} AND code = ${code}`.execute(db)).rows[0]?.id;
}

export interface PriorityValues {
  title: string;
  focusAreaId: number | null;
  place: string | null;
  district_ids: number[];
  rationale: string | null;
  owner: string;
  due_date: string | null;
  status: string;
  published: boolean;
}

/** Inserts a priority under a meeting and returns its id. */
export async function insertPriority(db: Db, municipality: string, meetingId: number, v: PriorityValues, userId: number | null): Promise<number> {
  const rows = await sql<{ id: number }>`INSERT INTO priority (municipality_code, meeting_id, title, focus_area_id, place, district_ids, rationale, owner, due_date, status, published, created_by, updated_by)
    VALUES (${municipality}, ${meetingId}, ${v.title}, ${v.focusAreaId}, ${v.place}, ${v.district_ids}::bigint[], ${v.rationale}, ${v.owner}, ${v.due_date}, ${v.status}, ${v.published}, ${userId}, ${userId})
    RETURNING id`.execute(db);
  return rows.rows[0].id;
}

/** Replaces a priority's fields. */
export async function updatePriority(db: Db, municipality: string, id: number, v: PriorityValues, userId: number | null): Promise<void> {
  await sql`UPDATE priority SET title = ${v.title}, focus_area_id = ${v.focusAreaId}, place = ${v.place}, district_ids = ${v.district_ids}::bigint[],
    rationale = ${v.rationale}, owner = ${v.owner}, due_date = ${v.due_date}, status = ${v.status}, published = ${v.published},
    updated_by = ${userId}, updated_at = now() WHERE municipality_code = ${municipality} AND id = ${id}`.execute(db);
}

/** Deletes a priority. */
export async function deletePriority(db: Db, municipality: string, id: number): Promise<void> {
  await sql`DELETE FROM priority WHERE municipality_code = ${municipality} AND id = ${id}`.execute(db);
}
