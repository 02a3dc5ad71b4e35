import type { Role } from '../../../shared/roles.ts';
import { getJsonShared, ApiError, sendJson, setCsrfToken } from '../../api/http.ts';

export { writeHeaders } from '../../api/http.ts';

/** Who is asking, as GET /api/auth/me answers. */
export interface Me {
  role: Role;
  signed_in: boolean;
  via: 'session' | 'token' | null;
  email: string | null;
  display_name: string | null;
  municipalities: string[] | null;
  csrf_token: string | null;
  expires_at: string | null;
}

const PUBLIC_ME: Me = { role: 'public', signed_in: false, via: null, email: null, display_name: null, municipalities: null, csrf_token: null, expires_at: null };

let current: Me = PUBLIC_ME;

function remember(me: Me): Me {
  current = me;
  setCsrfToken(me.csrf_token);
  return me;
}

/**
 * Asks the server who this browser is. An expired session answers 401 and the server clears its cookie;
 * the page then reloads once (as the public), since the map's own requests met the same 401.
 */
export async function fetchMe(): Promise<Me> {
  try {
    const me = await getJsonShared<Me>('/api/auth/me');
    sessionStorage.removeItem('lagesbild-session-expired');
    return remember(me);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401 && !sessionStorage.getItem('lagesbild-session-expired')) {
      sessionStorage.setItem('lagesbild-session-expired', '1');
      location.reload();
    }
    return remember(PUBLIC_ME);
  }
}

/** Signs in with email and password; the session lives in an httpOnly cookie the page never sees. */
export async function signIn(email: string, password: string): Promise<Me> {
  return remember(await sendJson<Me>('POST', '/api/auth/sign-in', { email, password }));
}

/** Ends the session. */
export async function signOut(): Promise<void> {
  await sendJson('POST', '/api/auth/sign-out', undefined, { acceptStatuses: [401] });
  remember(PUBLIC_ME);
}

/** The viewer as last learnt from the server. */
export function currentViewer(): Me {
  return current;
}
