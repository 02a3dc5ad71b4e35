import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppInstance } from '../../app.ts';
import { AppError } from '../../infra/errors.ts';
import { unauthorized, viewerOfSession, viewerOfToken, type SessionViewer } from './auth.service.ts';
import { clearSessionCookie, readCookie, SESSION_COOKIE } from './session-cookie.ts';
import { PUBLIC_VIEWER } from './viewer.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every registered route (method and URL pattern): the permission matrix test covers each one. */
    routeTable: RouteEntry[];
  }
  interface FastifyRequest {
    /** The session behind a cookie-authenticated request (null for tokens and the public). */
    session: SessionViewer | null;
  }
}

/** A registered route and the names of its querystring and path parameters (for the attack tests). */
export interface RouteEntry {
  method: string;
  url: string;
  query: string[];
  params: string[];
}

const keysOf = (schema: unknown): string[] => Object.keys((schema as { properties?: object } | undefined)?.properties ?? {});

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The CSRF header a cookie-authenticated write must carry (its value comes from /api/auth/me or sign-in). */
export const CSRF_HEADER = 'x-csrf-token';

// Where a stale cookie should not stop the request: the person is simply public there.
const STALE_COOKIE_OK = [/^\/api\/auth\/(sign-in|sign-out)$/, /^\/api\/public(\/|$)/, /^\/api\/health$/];

function pathOf(request: FastifyRequest): string {
  const q = request.url.indexOf('?');
  return q < 0 ? request.url : request.url.slice(0, q);
}

function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) {
    // Browsers send Sec-Fetch-Site on every request; only trust its absence (non-browser clients).
    const site = request.headers['sec-fetch-site'];
    return site === undefined || site === 'same-origin' || site === 'none';
  }
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a), y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Resolves `request.viewer` for every API request: `Authorization: Bearer <token>` (GIS clients, scripts),
 * else the session cookie, else the public. Presented credentials that are invalid, revoked or expired get
 * 401 (a stale cookie on sign-in and public routes is cleared and ignored instead). Cookie-authenticated
 * writes must be same-origin and carry the session's CSRF token in `X-CSRF-Token` (double submit against
 * the server-side copy); Bearer requests are exempt because browsers never attach them on their own.
 */
export function installAuth(app: AppInstance) {
  app.decorateRequest('session', null);
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    const schema = route.schema as { querystring?: unknown; params?: unknown } | undefined;
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routeTable.push({ method, url: route.url, query: keysOf(schema?.querystring), params: keysOf(schema?.params) });
    }
  });
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    request.viewer = PUBLIC_VIEWER;
    request.session = null;
    const path = pathOf(request);
    if (!path.startsWith('/api/') && path !== '/api' && !path.startsWith('/ogc')) return;
    const db = app.database.db;

    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer +(\S+)\s*$/i.exec(authorization);
      if (!match) {
        reply.header('www-authenticate', 'Bearer');
        throw unauthorized('The Authorization header must be "Bearer <token>"');
      }
      const viewer = await viewerOfToken(db, match[1]);
      if (!viewer) {
        reply.header('www-authenticate', 'Bearer error="invalid_token"');
        throw unauthorized('The API token is invalid or has been revoked');
      }
      request.viewer = viewer;
      return;
    }

    const secret = readCookie(request, SESSION_COOKIE);
    // Signing in replaces whatever session there was, so it needs no CSRF token (only the same-origin check below).
    if (secret && path !== '/api/auth/sign-in') {
      const session = await viewerOfSession(db, secret);
      if (!session) {
        clearSessionCookie(request, reply);
        if (STALE_COOKIE_OK.some((re) => re.test(path))) return;
        throw new AppError(401, 'SESSION_EXPIRED', 'Your session has expired or is not valid; sign in again');
      }
      request.viewer = session;
      request.session = session;
      if (!SAFE_METHODS.has(request.method)) {
        const header = request.headers[CSRF_HEADER];
        if (!sameOrigin(request) || typeof header !== 'string' || !safeEqual(header, session.csrfToken)) {
          throw new AppError(403, 'CSRF', `A signed-in write must come from this site and carry the ${CSRF_HEADER} header`);
        }
      }
      return;
    }

    // No credentials: sign-in itself must still come from this site (login CSRF).
    if (!SAFE_METHODS.has(request.method) && !sameOrigin(request)) {
      throw new AppError(403, 'CSRF', 'Cross-site requests are not accepted');
    }
  });
}
