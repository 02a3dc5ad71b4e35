import { randomBytes } from 'node:crypto';
import { ROLES, type Role } from '../../../shared/roles.ts';
import type { Db } from '../../infra/db.ts';
import { AppError, badRequest } from '../../infra/errors.ts';
import {
  deleteExpiredSessions, deleteSession, findLiveSession, findLiveToken, findUserByEmail, insertSession, insertToken, insertUser,
  recordFailedSignIn, resetFailedSignIns, touchToken,
} from './auth.queries.ts';
import { DUMMY_HASH, hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import { hashSecret, isWellFormedSecret, newSecret } from './secrets.ts';
import type { Viewer } from './viewer.ts';

/** Roles a user or token can hold (`public` is the absence of one). */
export const ACCOUNT_ROLES = ROLES.filter((r) => r !== 'public') as Exclude<Role, 'public'>[];
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

/** A session lasts 8 hours from sign-in (a working day), then the user signs in again. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
/** Consecutive failed sign-ins that lock an account, and for how long. */
export const ACCOUNT_LOCK_AFTER = 5;
export const ACCOUNT_LOCK_MS = 15 * 60 * 1000;

/** 401 for credentials that were presented but are not (or no longer) valid. */
export function unauthorized(message: string): AppError {
  return new AppError(401, 'UNAUTHORIZED', message);
}

function asRole(value: string): AccountRole {
  if (!(ACCOUNT_ROLES as string[]).includes(value)) throw new Error(`unknown role in database: ${value}`);
  return value as AccountRole;
}

/** A resolved session: the viewer plus what the client needs for CSRF-protected writes. */
export interface SessionViewer extends Viewer {
  csrfToken: string;
  email: string;
  displayName: string | null;
  expiresAt: Date;
}

/** The viewer of a session secret, or null when it is malformed, unknown, expired or its user disabled. */
export async function viewerOfSession(db: Db, secret: string): Promise<SessionViewer | null> {
  if (!isWellFormedSecret(secret, 'lbs_')) return null;
  const row = await findLiveSession(db, hashSecret(secret));
  if (!row) return null;
  return {
    role: asRole(row.role), userId: row.user_id, tokenId: null,
    municipalityCodes: row.municipality_code ? [row.municipality_code] : null,
    csrfToken: row.csrf_token, email: row.email, displayName: row.display_name, expiresAt: new Date(row.expires_at),
  };
}

const lastTouched = new Map<number, number>();

/** The viewer of an API token, or null when it is malformed, unknown or revoked. */
export async function viewerOfToken(db: Db, token: string): Promise<Viewer | null> {
  if (!isWellFormedSecret(token, 'lbt_')) return null;
  const row = await findLiveToken(db, hashSecret(token));
  if (!row) return null;
  const now = Date.now();
  if ((lastTouched.get(row.id) ?? 0) < now - 60_000) {
    lastTouched.set(row.id, now);
    await touchToken(db, row.id);
  }
  return { role: asRole(row.role), userId: null, tokenId: row.id, municipalityCodes: row.municipality_code ? [row.municipality_code] : null };
}

function validateRole(role: string): AccountRole {
  if (!(ACCOUNT_ROLES as string[]).includes(role)) throw badRequest('role', `must be one of ${ACCOUNT_ROLES.join(', ')}`);
  return role as AccountRole;
}

async function validateMunicipality(db: Db, code: string | null): Promise<void> {
  if (code === null) return;
  const row = await db.selectFrom('municipality').select('code').where('code', '=', code).executeTakeFirst();
  if (!row) throw badRequest('municipality', `unknown municipality code ${code}`);
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

/** Creates a user with a scrypt-hashed password; 409 when the email is taken. */
export async function createUser(
  db: Db,
  u: { email: string; password: string; role: string; municipality?: string | null; displayName?: string | null; isDemo?: boolean },
): Promise<{ id: number; email: string; role: AccountRole; municipality: string | null }> {
  const email = u.email.trim();
  if (!EMAIL.test(email)) throw badRequest('email', 'not an email address');
  const role = validateRole(u.role);
  const problem = passwordProblem(u.password);
  if (problem) throw badRequest('password', problem);
  const municipality = u.municipality ?? null;
  await validateMunicipality(db, municipality);
  if (await findUserByEmail(db, email)) throw new AppError(409, 'EMAIL_TAKEN', `A user with email ${email} already exists`, [{ field: 'email', message: 'already taken' }]);
  const id = await insertUser(db, { email, passwordHash: await hashPassword(u.password), role, municipalityCode: municipality, displayName: u.displayName, isDemo: u.isDemo });
  return { id, email, role, municipality };
}

/** Creates an API token; the secret is returned once and only its hash is stored. */
export async function createToken(
  db: Db,
  t: { role: string; name?: string | null; municipality?: string | null; createdBy?: number | null },
): Promise<{ id: number; token: string; name: string; role: AccountRole; municipality: string | null }> {
  const role = validateRole(t.role);
  const municipality = t.municipality ?? null;
  await validateMunicipality(db, municipality);
  const token = newSecret('lbt_');
  const name = (t.name ?? '').trim() || `${role} token`;
  const id = await insertToken(db, { name, tokenHash: hashSecret(token), role, municipalityCode: municipality, createdBy: t.createdBy ?? null });
  return { id, token, name, role, municipality };
}

/** Why a sign-in failed: wrong credentials (uniform message) or a locked account. */
export type SignInFailure = { kind: 'invalid' } | { kind: 'locked'; retryAfterS: number };

/**
 * Checks email and password; on success opens a session and returns its secret. Unknown emails cost the
 * same scrypt work as known ones; ACCOUNT_LOCK_AFTER consecutive failures lock the account for ACCOUNT_LOCK_MS.
 */
export async function signIn(
  db: Db,
  email: string,
  password: string,
  now = new Date(),
): Promise<{ ok: true; secret: string; viewer: SessionViewer } | { ok: false; failure: SignInFailure }> {
  const user = await findUserByEmail(db, email.trim());
  if (user?.locked_until && new Date(user.locked_until) > now) {
    return { ok: false, failure: { kind: 'locked', retryAfterS: Math.ceil((new Date(user.locked_until).getTime() - now.getTime()) / 1000) } };
  }
  const matches = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
  if (!user || !matches || user.disabled_at) {
    if (user && !user.disabled_at) {
      const failures = user.failed_attempts + 1;
      await recordFailedSignIn(db, user.id, failures >= ACCOUNT_LOCK_AFTER ? new Date(now.getTime() + ACCOUNT_LOCK_MS) : null);
      if (failures >= ACCOUNT_LOCK_AFTER) return { ok: false, failure: { kind: 'locked', retryAfterS: ACCOUNT_LOCK_MS / 1000 } };
    }
    return { ok: false, failure: { kind: 'invalid' } };
  }
  await resetFailedSignIns(db, user.id);
  await deleteExpiredSessions(db);
  const secret = newSecret('lbs_');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await insertSession(db, { idHash: hashSecret(secret), userId: user.id, csrfToken, expiresAt });
  return {
    ok: true,
    secret,
    viewer: {
      role: asRole(user.role), userId: user.id, tokenId: null, municipalityCodes: user.municipality_code ? [user.municipality_code] : null,
      csrfToken, email: user.email, displayName: user.display_name, expiresAt,
    },
  };
}

/** Ends the session with this secret (no error when it is already gone). */
export async function signOut(db: Db, secret: string): Promise<void> {
  if (isWellFormedSecret(secret, 'lbs_')) await deleteSession(db, hashSecret(secret));
}
