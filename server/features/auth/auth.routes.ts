import { Type } from 'typebox';
import { MeSchema } from '../../../shared/auth.schema.ts';
import type { AppInstance } from '../../app.ts';
import { AppError } from '../../infra/errors.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { signIn, signOut } from './auth.service.ts';
import { clearSessionCookie, readCookie, SESSION_COOKIE, setSessionCookie } from './session-cookie.ts';
import { RateLimiter } from '../../infra/rate-limiter.ts';
import { auditRequest } from '../audit/audit.service.ts';
import { PUBLIC_VIEWER } from './viewer.ts';

/**
 * The address a failed sign-in named, for the audit log: only when it looks like an email address (people
 * type their password into the wrong field, and the log must never hold a password).
 */
function auditableEmail(email: string): string {
  const trimmed = email.trim().toLowerCase();
  return /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{1,63}$/.test(trimmed) ? trimmed : '(not an email address)';
}

const Me = MeSchema;

/** POST /api/auth/sign-in, POST /api/auth/sign-out, GET /api/auth/me. */
export async function authRoutes(app: AppInstance) {
  const limiter = new RateLimiter();
  // Per email address, known or not: unknown addresses "lock" exactly like real accounts (whose lock is
  // also stored in the database), so the 429 does not reveal which addresses exist.
  const emailLimiter = new RateLimiter(5, 15 * 60 * 1000);

  app.post(
    '/api/auth/sign-in',
    {
      bodyLimit: 4096,
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password; sets an httpOnly session cookie',
        body: Type.Object(
          { email: Type.String({ minLength: 3, maxLength: 320 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
          { additionalProperties: false },
        ),
        response: { 200: Me, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 413: ProblemSchema, 429: ProblemSchema },
      },
    },
    async (request, reply) => {
      const ipKey = `ip:${request.ip}`;
      const wait = limiter.retryAfterS(ipKey);
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        throw new AppError(429, 'TOO_MANY_SIGN_INS', `Too many failed sign-ins from your address; try again in ${Math.ceil(wait / 60)} minutes`);
      }
      const emailKey = `email:${request.body.email.trim().toLowerCase()}`;
      const emailWait = emailLimiter.retryAfterS(emailKey);
      if (emailWait > 0) {
        reply.header('retry-after', String(emailWait));
        throw new AppError(429, 'ACCOUNT_LOCKED', `Too many failed sign-ins for this account; try again in ${Math.ceil(emailWait / 60)} minutes`);
      }
      // Counted as failures now, before any await: a parallel burst sees its own earlier attempts (the
      // database counts the account's attempts the same way); a success below forgets them again.
      limiter.record(ipKey);
      emailLimiter.record(emailKey);
      // A new session replaces the one this browser had (no session fixation, no stale sessions left).
      const previous = readCookie(request, SESSION_COOKIE);
      if (previous) await signOut(app.database.db, previous);
      const result = await signIn(app.database.db, request.body.email, request.body.password);
      if (!result.ok) {
        const subject = result.subject;
        await auditRequest(request, {
          action: 'auth.sign_in_failed', municipality: subject?.municipalityCodes ? (subject.municipalityCodes[0] ?? null) : subject ? '*' : null,
          filters: { email: auditableEmail(request.body.email), reason: result.failure.kind },
        }, subject ? { role: subject.role, userId: subject.userId, tokenId: null, municipalityCodes: subject.municipalityCodes } : PUBLIC_VIEWER);
        const lockedFor = result.failure.kind === 'locked' ? result.failure.retryAfterS : emailLimiter.retryAfterS(emailKey);
        if (lockedFor > 0) {
          reply.header('retry-after', String(lockedFor));
          throw new AppError(429, 'ACCOUNT_LOCKED', `Too many failed sign-ins for this account; try again in ${Math.ceil(lockedFor / 60)} minutes`);
        }
        throw new AppError(401, 'INVALID_CREDENTIALS', 'Wrong email or password');
      }
      limiter.forget(ipKey);
      emailLimiter.forget(emailKey);
      setSessionCookie(request, reply, result.secret);
      const v = result.viewer;
      await auditRequest(request, { action: 'auth.sign_in', municipality: v.municipalityCodes ? (v.municipalityCodes[0] ?? null) : '*', filters: { email: v.email } }, v);
      return {
        role: v.role, signed_in: true, via: 'session' as const, email: v.email, display_name: v.displayName,
        municipalities: v.municipalityCodes, csrf_token: v.csrfToken, expires_at: v.expiresAt.toISOString(),
      };
    },
  );

  app.post(
    '/api/auth/sign-out',
    { schema: { tags: ['auth'], summary: 'End the session and clear its cookie', response: { 204: Type.Null(), 403: ProblemSchema } } },
    async (request, reply) => {
      const secret = readCookie(request, SESSION_COOKIE);
      if (secret) await signOut(app.database.db, secret);
      if (request.session) await auditRequest(request, { action: 'auth.sign_out', filters: {} });
      clearSessionCookie(request, reply);
      reply.status(204);
      return null;
    },
  );

  app.get(
    '/api/auth/me',
    { schema: { tags: ['auth'], summary: 'Who is asking: role, municipalities, and the CSRF token for writes', response: { 200: Me, 401: ProblemSchema } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const v = request.viewer;
      const s = request.session;
      return {
        role: v.role,
        signed_in: v.role !== 'public',
        via: s ? ('session' as const) : v.tokenId !== null ? ('token' as const) : null,
        email: s?.email ?? null,
        display_name: s?.displayName ?? null,
        municipalities: v.role === 'public' ? null : v.municipalityCodes,
        csrf_token: s?.csrfToken ?? null,
        expires_at: s ? s.expiresAt.toISOString() : null,
      };
    },
  );
}
