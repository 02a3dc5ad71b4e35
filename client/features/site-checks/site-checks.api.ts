import { getJson, sendJson } from '../../api/http.ts';

/** A site report as the routes answer it (shared/site-checks.schema.ts: aggregates only). */
import type { SiteReport } from '../../../shared/site-checks.schema.ts';

export type { SiteReport };

export interface SavedSiteCheck { id: number; name: string | null; buffer_m: number; period_from: string; period_to: string; created_at: string; area_m2: number }

/** Runs a site check (and saves it when `name` is given). */
export async function runSiteCheck(body: { municipality: string; geometry: unknown; buffer_m: number; from: string; to: string; name?: string }): Promise<SiteReport> {
  return sendJson<SiteReport>('POST', '/api/site-checks', body);
}

/** Saved site checks of a municipality, newest first. */
export async function listSiteChecks(municipality: string): Promise<SavedSiteCheck[]> {
  return (await getJson<{ site_checks: SavedSiteCheck[] }>('/api/site-checks', { municipality })).site_checks;
}

/** A saved site check, reopened. */
export async function fetchSiteCheck(id: number): Promise<SiteReport & { input_geometry: unknown }> {
  return getJson(`/api/site-checks/${id}`);
}
