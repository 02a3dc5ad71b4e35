import { getJson } from '../../api/http.ts';
import { writeHeaders } from '../auth/auth.api.ts';

/** A site report as POST /api/site-checks answers it (aggregates only; see server/features/site-checks). */
export interface SiteReport {
  id: number | null;
  name: string | null;
  saved_at: string | null;
  recomputed: boolean;
  municipality: string;
  period: { from: string; to: string };
  buffer_m: number;
  area_m2: number;
  suppressed: boolean;
  site: { type: string; coordinates: unknown[] };
  incidents: {
    zones: { zone: string; distance_m: number; area_m2: number }[];
    totals: { zone: string; count: number | null; suppression: string | null }[];
    categories: {
      category: string; name_sv: string; name_en: string; police_initiated: boolean;
      zones: { zone: string; distance_m: number; count: number | null; suppression: string | null; expected: number; direction: string | null; p_value: number | null; significant: boolean | null }[];
    }[];
  };
  time: { distance_m: number; total: number | null; weekdays: string[]; by_weekday: (number | null)[]; by_time_of_day: { key: string; hours: string; count: number | null }[] };
  survey_marks: null | { distance_m: number; total: number; inside_site: number; by_reason: { reason: string; count: number }[]; by_time_of_day: { time_of_day: string; count: number }[] };
  hotspots: null | { cells: { class: string; count: number | '<5'; distance_m: number }[] };
  checklist: { key: string; title_sv: string; title_en: string; advice_sv: string; raised: boolean; evidence: { source: string; detail: string }[] }[];
  notes: string[];
}

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
