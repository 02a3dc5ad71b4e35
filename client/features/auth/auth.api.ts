import { ApiError } from '../../api/http.ts';

/** Who is asking, as GET /api/auth/me answers. */
export interface Me {
  role: 'public' | 'council' | 'planner' | 'analyst' | 'police' | 'admin';
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

async function problem(response: Response): Promise<ApiError> {
  const body = await response.json().catch(() => null);
  return new ApiError(response.status, body?.detail ?? `HTTP ${response.status}`);
}

/**
 * Asks the server who this browser is. An expired session answers 401 and the server clears its cookie;
 * the page then reloads once (as the public), since the map's own requests met the same 401.
 */
export async function fetchMe(): Promise<Me> {
  const response = await fetch('/api/auth/me', { credentials: 'same-origin' });
  if (response.status === 401 && !sessionStorage.getItem('lagesbild-session-expired')) {
    sessionStorage.setItem('lagesbild-session-expired', '1');
    location.reload();
  }
  if (response.ok) sessionStorage.removeItem('lagesbild-session-expired');
  current = response.ok ? ((await response.json()) as Me) : PUBLIC_ME;
  return current;
}

/** Signs in with email and password; the session lives in an httpOnly cookie the page never sees. */
export async function signIn(email: string, password: string): Promise<Me> {
  const response = await fetch('/api/auth/sign-in', {
    method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw await problem(response);
  current = (await response.json()) as Me;
  return current;
}

/** Ends the session. */
export async function signOut(): Promise<void> {
  const response = await fetch('/api/auth/sign-out', { method: 'POST', credentials: 'same-origin', headers: writeHeaders() });
  if (!response.ok && response.status !== 401) throw await problem(response);
  current = PUBLIC_ME;
}

/**
 * Headers every cookie-authenticated write (POST, PUT, PATCH, DELETE) must send: the session's CSRF token.
 * Features that write call this; without it the server answers 403.
 */
export function writeHeaders(): Record<string, string> {
  return current.csrf_token ? { 'x-csrf-token': current.csrf_token } : {};
}

/** The viewer as last learnt from the server. */
export function currentViewer(): Me {
  return current;
}
