import { sql } from 'kysely';
import type { Db } from '../../infra/db.ts';

/** A council row with its members' user ids. */
export interface CouncilRow {
  id: number;
  municipality_code: string;
  name: string;
  level: 'local' | 'coordinating';
  district_ids: number[];
  member_ids: number[];
  created_at: Date;
  updated_at: Date;
}

const COUNCIL_COLUMNS = sql`c.id, c.municipality_code, c.name, c.level, c.district_ids, c.created_at, c.updated_at,
  coalesce((SELECT array_agg(m.user_id ORDER BY m.user_id) FROM council_member m
             WHERE m.municipality_code = c.municipality_code AND m.council_id = c.id), '{}'::bigint[]) AS member_ids`;

/** The municipality's councils, coordinating first, then by name. */
export async function listCouncils(db: Db, municipality: string): Promise<CouncilRow[]> {
  const rows = await sql<CouncilRow>`SELECT ${COUNCIL_COLUMNS} FROM council c WHERE c.municipality_code = ${municipality}
    ORDER BY c.level = 'coordinating' DESC, c.name`.execute(db);
  return rows.rows;
}

/** One council by id, or undefined. */
export async function findCouncil(db: Db, id: number): Promise<CouncilRow | undefined> {
  const rows = await sql<CouncilRow>`SELECT ${COUNCIL_COLUMNS} FROM council c WHERE c.id = ${id}`.execute(db);
  return rows.rows[0];
}

/** Which of these ids are districts of the municipality. */
export async function existingDistrictIds(db: Db, municipality: string, ids: readonly number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const rows = await sql<{ id: number }>`SELECT id FROM district WHERE municipality_code = ${municipality} AND id = ANY(${[...ids]}::bigint[])`.execute(db);
  return new Set(rows.rows.map((r) => r.id));
}

/** Which of these user ids may sit on a council of the municipality (active accounts of it, or of every municipality). */
export async function eligibleMemberIds(db: Db, municipality: string, ids: readonly number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const rows = await sql<{ id: number }>`SELECT id FROM app_user WHERE id = ANY(${[...ids]}::bigint[])
    AND disabled_at IS NULL AND (municipality_code IS NULL OR municipality_code = ${municipality})`.execute(db);
  return new Set(rows.rows.map((r) => r.id));
}

/** Whether a council of the municipality already has this name (other than `exceptId`). */
export async function councilNameTaken(db: Db, municipality: string, name: string, exceptId: number | null): Promise<boolean> {
  const rows = await sql<{ id: number }>`SELECT id FROM council WHERE municipality_code = ${municipality} AND name = ${name}
    AND (${exceptId}::bigint IS NULL OR id <> ${exceptId}::bigint)`.execute(db);
  return rows.rows.length > 0;
}

/** Inserts a council and returns its id. */
export async function insertCouncil(
  db: Db,
  c: { municipality: string; name: string; level: string; district_ids: number[]; userId: number | null },
): Promise<number> {
  const rows = await sql<{ id: number }>`INSERT INTO council (municipality_code, name, level, district_ids, created_by, updated_by)
    VALUES (${c.municipality}, ${c.name}, ${c.level}, ${c.district_ids}::bigint[], ${c.userId}, ${c.userId}) RETURNING id`.execute(db);
  return rows.rows[0].id;
}

/** Replaces a council's name, level and districts. */
export async function updateCouncil(
  db: Db,
  c: { id: number; municipality: string; name: string; level: string; district_ids: number[]; userId: number | null },
): Promise<void> {
  await sql`UPDATE council SET name = ${c.name}, level = ${c.level}, district_ids = ${c.district_ids}::bigint[],
    updated_by = ${c.userId}, updated_at = now() WHERE municipality_code = ${c.municipality} AND id = ${c.id}`.execute(db);
}

/** Replaces a council's members. */
export async function replaceCouncilMembers(db: Db, municipality: string, councilId: number, userIds: readonly number[]): Promise<void> {
  await sql`DELETE FROM council_member WHERE municipality_code = ${municipality} AND council_id = ${councilId}`.execute(db);
  if (!userIds.length) return;
  await sql`INSERT INTO council_member (municipality_code, council_id, user_id)
    SELECT ${municipality}, ${councilId}, u FROM unnest(${[...userIds]}::bigint[]) AS u`.execute(db);
}

/** Whether the user sits on the council. */
export async function isCouncilMember(db: Db, councilId: number, userId: number): Promise<boolean> {
  const rows = await sql<{ one: number }>`SELECT 1 AS one FROM council_member WHERE council_id = ${councilId} AND user_id = ${userId}`.execute(db);
  return rows.rows.length > 0;
}

/** Active users who may sit on a council of the municipality (its own users and those of every municipality), admins left out. */
export async function listMemberCandidates(db: Db, municipality: string): Promise<{ id: number; display_name: string | null; email: string; role: string }[]> {
  const rows = await sql<{ id: number; display_name: string | null; email: string; role: string }>`
    SELECT id, display_name, email, role FROM app_user
     WHERE disabled_at IS NULL AND role <> 'admin' AND (municipality_code IS NULL OR municipality_code = ${municipality})
     ORDER BY coalesce(display_name, email), id LIMIT 2000`.execute(db);
  return rows.rows;
}
