import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_TTL_MS } from './auth.service.ts';

/** The session cookie's name; its value is the session secret (only its hash is stored). */
export const SESSION_COOKIE = 'lagesbild_session';

/** Reads one cookie from the Cookie header (first occurrence wins; no decoding needed for our base64url secrets). */
export function readCookie(request: FastifyRequest, name: string): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/**
 * Whether the browser reached us over https: TLS in Node, or a TLS-terminating proxy saying so. Trusting
 * the header here is safe: a forged one only makes the forger's own cookie Secure.
 */
export function isHttps(request: FastifyRequest): boolean {
  const forwarded = request.headers['x-forwarded-proto'];
  return request.protocol === 'https' || (typeof forwarded === 'string' && forwarded.split(',')[0].trim() === 'https');
}

/** Sets the session cookie: httpOnly, SameSite=Lax, Path=/, Secure when served over https, Max-Age = session TTL. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, secret: string): void {
  const attrs = [`${SESSION_COOKIE}=${secret}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${Math.floor(SESSION_TTL_MS / 1000)}`];
  if (isHttps(request)) attrs.push('Secure');
  reply.header('set-cookie', attrs.join('; '));
}

/** Clears the session cookie (sign-out, or a cookie that no longer names a live session). */
export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  const attrs = [`${SESSION_COOKIE}=`, 'Path=/', 'HttpOnly', 'SameSite=Lax', 'Max-Age=0'];
  if (isHttps(request)) attrs.push('Secure');
  reply.header('set-cookie', attrs.join('; '));
}
