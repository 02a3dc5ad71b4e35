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

/** GETs JSON from the API; a problem+json answer becomes an ApiError with its detail. */
export async function getJson<T>(path: string, params: Record<string, string | number | undefined | null> = {}, signal?: AbortSignal): Promise<T> {
  const response = await fetch(`${path}${queryString(params)}`, { signal, credentials: 'same-origin' });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body?.detail ?? `HTTP ${response.status}`);
  return body as T;
}
