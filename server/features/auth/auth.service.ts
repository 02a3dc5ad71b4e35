import { randomBytes } from 'node:crypto';
import { ROLES, type Role } from '../../../shared/roles.ts';
import type { Db } from '../../infra/db.ts';
import { AppError, badRequest } from '../../infra/errors.ts';
import {
  claimSignInAttempt, deleteExpiredSessions, deleteSession, findLiveSession, findLiveToken, findUserByEmail, insertSession, insertToken, insertUser,
  resetFailedSignIns, touchToken,
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

/**
 * The municipalities a stored account or token may see: its one municipality, or every one (null) only when
 * `all_municipalities` was set on purpose. A row with neither (the schema forbids it) sees none.
 */
export function scopeOfRow(row: { municipality_code: string | null; all_municipalities: boolean }): string[] | null {
  if (row.all_municipalities) return null;
  return row.municipality_code ? [row.municipality_code] : [];
}

/** The viewer of a session secret, or null when it is malformed, unknown, expired or its user disabled. */
export async function viewerOfSession(db: Db, secret: string): Promise<SessionViewer | null> {
  if (!isWellFormedSecret(secret, 'lbs_')) return null;
  const row = await findLiveSession(db, hashSecret(secret));
  if (!row) return null;
  return {
    role: asRole(row.role), userId: row.user_id, tokenId: null,
    municipalityCodes: scopeOfRow(row),
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
  return { role: asRole(row.role), userId: null, tokenId: row.id, municipalityCodes: scopeOfRow(row) };
}

function validateRole(role: string): AccountRole {
  if (!(ACCOUNT_ROLES as string[]).includes(role)) throw badRequest('role', `must be one of ${ACCOUNT_ROLES.join(', ')}`);
  return role as AccountRole;
}

/** Which municipalities an account or token is bound to: one, or every one when asked for explicitly. */
export interface AccountScopeInput {
  municipality?: string | null;
  /** Every municipality, present and future: only on purpose (regional police, a national admin). */
  allMunicipalities?: boolean;
}

/**
 * Checks an account's binding: exactly one of a known municipality or `allMunicipalities: true`. There is
 * no default: an account created without either is refused (400 naming `municipality`), never unbound.
 */
export async function validateAccountScope(db: Db, input: AccountScopeInput): Promise<{ municipality: string | null; allMunicipalities: boolean }> {
  const code = input.municipality ?? null;
  if (input.allMunicipalities === true) {
    if (code !== null) throw badRequest('municipality', 'give either a municipality or all_municipalities, not both');
    return { municipality: null, allMunicipalities: true };
  }
  if (code === null) throw badRequest('municipality', 'required: the municipality the account is bound to (or all_municipalities on purpose)');
  const row = await db.selectFrom('municipality').select('code').where('code', '=', code).executeTakeFirst();
  if (!row) throw badRequest('municipality', `unknown municipality code ${code}`);
  return { municipality: code, allMunicipalities: false };
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

/** Creates a user with a scrypt-hashed password; 409 when the email is taken. */
export async function createUser(
  db: Db,
  u: { email: string; password: string; role: string; displayName?: string | null; isDemo?: boolean } & AccountScopeInput,
): Promise<{ id: number; email: string; role: AccountRole; municipality: string | null; allMunicipalities: boolean }> {
  const email = u.email.trim();
  if (!EMAIL.test(email)) throw badRequest('email', 'not an email address');
  const role = validateRole(u.role);
  const problem = passwordProblem(u.password);
  if (problem) throw badRequest('password', problem);
  const scope = await validateAccountScope(db, u);
  if (await findUserByEmail(db, email)) throw new AppError(409, 'EMAIL_TAKEN', `A user with email ${email} already exists`, [{ field: 'email', message: 'already taken' }]);
  const id = await insertUser(db, {
    email, passwordHash: await hashPassword(u.password), role, municipalityCode: scope.municipality, allMunicipalities: scope.allMunicipalities,
    displayName: u.displayName, isDemo: u.isDemo,
  });
  return { id, email, role, ...scope };
}

/** Creates an API token; the secret is returned once and only its hash is stored. */
export async function createToken(
  db: Db,
  t: { role: string; name?: string | null; createdBy?: number | null } & AccountScopeInput,
): Promise<{ id: number; token: string; name: string; role: AccountRole; municipality: string | null; allMunicipalities: boolean }> {
  const role = validateRole(t.role);
  const scope = await validateAccountScope(db, t);
  const token = newSecret('lbt_');
  const name = (t.name ?? '').trim() || `${role} token`;
  const id = await insertToken(db, {
    name, tokenHash: hashSecret(token), role, municipalityCode: scope.municipality, allMunicipalities: scope.allMunicipalities, createdBy: t.createdBy ?? null,
  });
  return { id, token, name, role, ...scope };
}

/** Why a sign-in failed: wrong credentials (uniform message) or a locked account. */
export type SignInFailure = { kind: 'invalid' } | { kind: 'locked'; retryAfterS: number };

/** Who a failed sign-in was about, for the audit log only (never sent to the client). */
export interface SignInSubject {
  userId: number;
  role: AccountRole;
  municipalityCodes: string[] | null;
}

/**
 * Checks email and password; on success opens a session and returns its secret. The attempt is counted
 * before the password is checked ({@link claimSignInAttempt}), so a parallel burst gets at most
 * ACCOUNT_LOCK_AFTER password checks before the account locks for ACCOUNT_LOCK_MS; a success resets the count.
 * Unknown emails and disabled accounts cost the same scrypt work as known ones.
 */
export async function signIn(
  db: Db,
  email: string,
  password: string,
  now = new Date(),
): Promise<{ ok: true; secret: string; viewer: SessionViewer } | { ok: false; failure: SignInFailure; subject: SignInSubject | null }> {
  const address = email.trim();
  const user = await claimSignInAttempt(db, address, now, ACCOUNT_LOCK_AFTER, ACCOUNT_LOCK_MS);
  if (!user) {
    const existing = await findUserByEmail(db, address);
    const subject = existing && !existing.disabled_at ? { userId: existing.id, role: asRole(existing.role), municipalityCodes: scopeOfRow(existing) } : null;
    if (subject && existing?.locked_until && new Date(existing.locked_until) > now) {
      return { ok: false, failure: { kind: 'locked', retryAfterS: Math.ceil((new Date(existing.locked_until).getTime() - now.getTime()) / 1000) }, subject };
    }
    await verifyPassword(password, DUMMY_HASH);
    return { ok: false, failure: { kind: 'invalid' }, subject };
  }
  const subject = { userId: user.id, role: asRole(user.role), municipalityCodes: scopeOfRow(user) };
  if (!(await verifyPassword(password, user.password_hash))) {
    if (user.failed_attempts >= ACCOUNT_LOCK_AFTER) return { ok: false, failure: { kind: 'locked', retryAfterS: ACCOUNT_LOCK_MS / 1000 }, subject };
    return { ok: false, failure: { kind: 'invalid' }, subject };
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
      role: subject.role, userId: user.id, tokenId: null, municipalityCodes: subject.municipalityCodes,
      csrfToken, email: user.email, displayName: user.display_name, expiresAt,
    },
  };
}

/** Ends the session with this secret (no error when it is already gone). */
export async function signOut(db: Db, secret: string): Promise<void> {
  if (isWellFormedSecret(secret, 'lbs_')) await deleteSession(db, hashSecret(secret));
}
