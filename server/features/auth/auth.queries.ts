import { sql } from 'kysely';
import type { Db } from '../../infra/db.ts';

export interface UserRow {
  id: number;
  email: string;
  display_name: string | null;
  password_hash: string;
  role: string;
  municipality_code: string | null;
  all_municipalities: boolean;
  is_demo: boolean;
  failed_attempts: number;
  locked_until: Date | null;
  disabled_at: Date | null;
  created_at: Date;
}

/** A user by email, case-insensitively. */
export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('app_user').selectAll().where(sql<boolean>`lower(email) = lower(${email})`).executeTakeFirst() as Promise<UserRow | undefined>;
}

/** Inserts a user and returns its id. */
export async function insertUser(
  db: Db,
  u: { email: string; passwordHash: string; role: string; municipalityCode: string | null; allMunicipalities: boolean; displayName?: string | null; isDemo?: boolean },
): Promise<number> {
  const row = await db
    .insertInto('app_user')
    .values({
      email: u.email, password_hash: u.passwordHash, role: u.role, municipality_code: u.municipalityCode,
      all_municipalities: u.allMunicipalities, display_name: u.displayName ?? null, is_demo: u.isDemo ?? false,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Counts a sign-in attempt for this email BEFORE its password is checked, in one statement: the row lock
 * serialises parallel attempts, and the WHERE clause is re-checked after waiting for it, so once an attempt
 * reaches `lockAfter` the lock is set and every later one (even from the same burst) gets no row and never
 * reaches the password check. A lock that has expired starts a new count. No row: the email is unknown,
 * the account disabled, or it is locked.
 */
export async function claimSignInAttempt(db: Db, email: string, now: Date, lockAfter: number, lockMs: number): Promise<UserRow | undefined> {
  const expired = sql<boolean>`(locked_until IS NOT NULL AND locked_until <= ${now}::timestamptz)`;
  const attempt = sql<number>`(CASE WHEN ${expired} THEN 1 ELSE failed_attempts + 1 END)`;
  const result = await sql<UserRow>`
    UPDATE app_user
       SET failed_attempts = ${attempt},
           locked_until = CASE WHEN ${attempt} >= ${lockAfter}::int
                               THEN ${now}::timestamptz + ${lockMs}::float8 * interval '1 millisecond' ELSE NULL END
     WHERE lower(email) = lower(${email}) AND disabled_at IS NULL
       AND (locked_until IS NULL OR locked_until <= ${now}::timestamptz)
    RETURNING *`.execute(db);
  return result.rows[0];
}

/** Clears the failure counter after a successful sign-in. */
export async function resetFailedSignIns(db: Db, userId: number): Promise<void> {
  await db.updateTable('app_user').set({ failed_attempts: 0, locked_until: null }).where('id', '=', userId).execute();
}

export interface SessionViewerRow {
  user_id: number;
  role: string;
  municipality_code: string | null;
  all_municipalities: boolean;
  email: string;
  display_name: string | null;
  csrf_token: string;
  expires_at: Date;
}

/** The live session with this secret hash and its user (not disabled), or undefined. */
export async function findLiveSession(db: Db, idHash: string): Promise<SessionViewerRow | undefined> {
  return db
    .selectFrom('user_session as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .select(['s.user_id', 'u.role', 'u.municipality_code', 'u.all_municipalities', 'u.email', 'u.display_name', 's.csrf_token', 's.expires_at'])
    .where('s.id_hash', '=', idHash)
    .where('s.expires_at', '>', sql<Date>`now()`)
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst() as Promise<SessionViewerRow | undefined>;
}

/** Stores a new session (only the hash of its secret). */
export async function insertSession(db: Db, s: { idHash: string; userId: number; csrfToken: string; expiresAt: Date }): Promise<void> {
  await db.insertInto('user_session').values({ id_hash: s.idHash, user_id: s.userId, csrf_token: s.csrfToken, expires_at: s.expiresAt }).execute();
}

/** Ends a session. */
export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('user_session').where('id_hash', '=', idHash).execute();
}

/** Removes sessions past their expiry (housekeeping at sign-in). */
export async function deleteExpiredSessions(db: Db): Promise<void> {
  await db.deleteFrom('user_session').where('expires_at', '<=', sql<Date>`now()`).execute();
}

/** Ends every session of a user (disable, role change). */
export async function deleteSessionsOfUser(db: Db, userId: number): Promise<void> {
  await db.deleteFrom('user_session').where('user_id', '=', userId).execute();
}

export interface TokenViewerRow {
  id: number;
  role: string;
  municipality_code: string | null;
  all_municipalities: boolean;
  last_used_at: Date | null;
}

/** The unrevoked API token with this hash, or undefined. */
export async function findLiveToken(db: Db, tokenHash: string): Promise<TokenViewerRow | undefined> {
  return db
    .selectFrom('api_token')
    .select(['id', 'role', 'municipality_code', 'all_municipalities', 'last_used_at'])
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst() as Promise<TokenViewerRow | undefined>;
}

/** Notes that a token was used (at most once a minute per token, see the caller). */
export async function touchToken(db: Db, id: number): Promise<void> {
  await db.updateTable('api_token').set({ last_used_at: sql`now()` }).where('id', '=', id).execute();
}

/** Stores a new API token (only the hash) and returns its id. */
export async function insertToken(
  db: Db,
  t: { name: string; tokenHash: string; role: string; municipalityCode: string | null; allMunicipalities: boolean; createdBy: number | null },
): Promise<number> {
  const row = await db
    .insertInto('api_token')
    .values({ name: t.name, token_hash: t.tokenHash, role: t.role, municipality_code: t.municipalityCode, all_municipalities: t.allMunicipalities, created_by: t.createdBy })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
