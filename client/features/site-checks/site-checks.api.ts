import { getJson } from '../../api/http.ts';
import { writeHeaders } from '../auth/auth.api.ts';

/** A site report as the routes answer it (shared/site-checks.schema.ts: aggregates only). */
import type { SiteReport } from '../../../shared/site-checks.schema.ts';

export type { SiteReport };

export interface SavedSiteCheck { id: number; name: string | null; buffer_m: number; period_from: string; period_to: string; created_at: string; area_m2: number }

async function problemText(response: Response): Promise<string> {
  try {
    const p = (await response.json()) as { detail?: string };
    return p.detail ?? `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

/** Runs a site check (and saves it when `name` is given). */
export async function runSiteCheck(body: { municipality: string; geometry: unknown; buffer_m: number; from: string; to: string; name?: string }): Promise<SiteReport> {
  const response = await fetch('/api/site-checks', {
    method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', ...writeHeaders() }, body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(await problemText(response));
  return (await response.json()) as SiteReport;
}

/** Saved site checks of a municipality, newest first. */
export async function listSiteChecks(municipality: string): Promise<SavedSiteCheck[]> {
  return (await getJson<{ site_checks: SavedSiteCheck[] }>('/api/site-checks', { municipality })).site_checks;
}

/** A saved site check, reopened. */
export async function fetchSiteCheck(id: number): Promise<SiteReport & { input_geometry: unknown }> {
  return getJson(`/api/site-checks/${id}`);
}
