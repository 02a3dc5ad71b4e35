/** An API failure with the problem+json detail, shown to the user as is. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** GETs JSON from the API; a problem+json answer becomes an ApiError with its detail. */
export async function getJson<T>(path: string, params: Record<string, string | number | undefined | null> = {}, signal?: AbortSignal): Promise<T> {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  const query = search.toString();
  const response = await fetch(`${path}${query ? `?${query}` : ''}`, { signal, credentials: 'same-origin' });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body?.detail ?? `HTTP ${response.status}`);
  return body as T;
}
