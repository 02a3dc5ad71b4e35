import type { Role } from '../../shared/roles.ts';
import { createToken, createUser, signIn } from '../../server/features/auth/auth.service.ts';
import { SESSION_COOKIE } from '../../server/features/auth/session-cookie.ts';
import type { TestApp } from './test-app.ts';

/** An account bound to this municipality, or (without one) explicitly to every municipality. */
const scope = (municipality?: string) => (municipality ? { municipality } : { allMunicipalities: true });

/**
 * Headers that make `app.inject` act as a viewer of this role: a fresh API token for the role
 * (limited to one municipality, or to every one on purpose when none is given) as `Authorization: Bearer`;
 * no headers for `public`.
 */
export async function authHeaders(t: TestApp, role: Role, municipality?: string): Promise<Record<string, string>> {
  if (role === 'public') return {};
  const { token } = await createToken(t.database.db, { role, name: `test ${role}`, ...scope(municipality) });
  return { authorization: `Bearer ${token}` };
}

let userCounter = 0;

/**
 * A signed-in browser session for a new user of this role: the Cookie header plus the CSRF header
 * that cookie-authenticated writes need.
 */
export async function sessionHeaders(
  t: TestApp,
  role: Exclude<Role, 'public'>,
  municipality?: string,
): Promise<{ cookie: string; 'x-csrf-token': string; email: string; password: string }> {
  const email = `${role}-${process.pid}-${++userCounter}@test.example`;
  const password = `correct horse ${role} battery`;
  await createUser(t.database.db, { email, password, role, ...scope(municipality) });
  const result = await signIn(t.database.db, email, password);
  if (!result.ok) throw new Error('sign-in failed in test helper');
  return { cookie: `${SESSION_COOKIE}=${result.secret}`, 'x-csrf-token': result.viewer.csrfToken, email, password };
}
