/** An API failure with the problem+json detail, shown to the user as is. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** What a layer or panel section can be in, so the UI says why something is missing instead of going blank. */
export type Availability = 'loading' | 'ready' | 'unavailable' | 'forbidden' | 'error';

/** A failed request as an availability: 404/405/501 = route not there yet, 401/403 = not permitted. */
export function availabilityOf(error: unknown): Availability {
  if (error instanceof ApiError) {
    if (error.status === 404 || error.status === 405 || error.status === 501) return 'unavailable';
    if (error.status === 401 || error.status === 403) return 'forbidden';
  }
  return 'error';
}

/** Whether an error is the abort of a superseded request (not worth showing). */
export function isAbort(error: unknown): boolean {
  return (error as Error)?.name === 'AbortError';
}

/** Query parameters without empty values. */
export function queryString(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  const query = search.toString();
  return query ? `?${query}` : '';
}

type Params = Record<string, string | number | undefined | null>;

/** The CSRF header of the server (server/features/auth/auth.hooks.ts CSRF_HEADER). */
export const CSRF_HEADER = 'x-csrf-token';

// The session's CSRF token, learnt from /api/auth/me or sign-in; the cookie itself is httpOnly and never seen here.
let csrfToken: string | null = null;

/** Remembers the session's CSRF token (null after sign-out); every write then carries it. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Headers a cookie-authenticated write must send: the session's CSRF token, when there is a session. */
export function writeHeaders(): Record<string, string> {
  return csrfToken ? { [CSRF_HEADER]: csrfToken } : {};
}

/** A failed answer as an ApiError with the problem+json detail (or the HTTP status when there is none). */
export async function problemOf(response: Response, body?: unknown): Promise<ApiError> {
  const b = (body === undefined ? await response.json().catch(() => null) : body) as { detail?: string } | null;
  return new ApiError(response.status, b?.detail ?? `HTTP ${response.status}`);
}

/** GETs JSON from the API; a problem+json answer becomes an ApiError with its detail. */
export async function getJson<T>(path: string, params: Params = {}, signal?: AbortSignal): Promise<T> {
  const response = await fetch(`${path}${queryString(params)}`, { signal, credentials: 'same-origin' });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw await problemOf(response, body);
  return body as T;
}

const inFlight = new Map<string, Promise<unknown>>();

/**
 * GETs JSON like getJson, but callers asking for the same path while a request is under way share its answer.
 * At start-up several panels ask who the viewer is and which municipalities exist at once; one request each is
 * enough. Nothing is kept once the answer is in, so a later call asks the server again.
 */
export function getJsonShared<T>(path: string): Promise<T> {
  const pending = inFlight.get(path);
  if (pending) return pending as Promise<T>;
  const request = getJson<T>(path).finally(() => inFlight.delete(path));
  inFlight.set(path, request);
  return request;
}

export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface SendOptions {
  signal?: AbortSignal;
  /** Statuses whose JSON body is an answer rather than an error (e.g. 422 with an import summary). */
  acceptStatuses?: number[];
}

/**
 * Sends a write with a JSON body (or a FormData, sent as multipart) and the CSRF header; answers the parsed
 * JSON (null for an empty answer such as 204). Failures throw an ApiError with the server's explanation.
 */
export async function sendJson<T>(method: WriteMethod, path: string, body?: unknown, options: SendOptions = {}): Promise<T> {
  const isForm = typeof FormData !== 'undefined' && body instanceof FormData;
  const headers: Record<string, string> = { ...writeHeaders() };
  if (body !== undefined && !isForm) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method, credentials: 'same-origin', signal: options.signal, headers,
    body: body === undefined ? undefined : isForm ? (body as FormData) : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = null; }
  if (!response.ok && !options.acceptStatuses?.includes(response.status)) throw await problemOf(response, parsed);
  return parsed as T;
}
