import { ApiError, getJson, problemOf, sendJson } from '../../api/http.ts';

/** A district's numbers in the report (already suppressed for the viewer's role by the server). */
export interface ReportDistrict {
  id: number;
  name: string;
  count: number | null;
  rate_per_1000: number | null;
  previous_count: number | null;
  change_pct: number | null;
  change_significant: boolean | null;
  suppressed: boolean;
}

/** One survey group's share unsafe late in the evening. */
export interface ReportSurveyGroup {
  key: Record<string, string | null>;
  n: number | null;
  suppressed: boolean;
  indicators: { otrygg?: { share?: number | null } } | null;
}

/** The report's content as GET /api/reports/preview and the published versions give it (the fields shown here). */
export interface ReportContent {
  municipality: string;
  year: number;
  period: { from: string; to: string };
  comparison: { from: string; to: string };
  data_cutoff_at: string;
  filters: { categories: string[]; role: string; level: string | null };
  kartlaggning: {
    districts: ReportDistrict[];
    unlocated: number | null;
    monthly: { month: string; count: number | null }[];
    weekday_hour: (number | null)[][];
    police_initiated_note: string[];
  };
  analys: {
    hotspots: { cell_m: number; hot: number; cold: number; cells: number } | null;
    survey: { name: string; by_gender: { groups: ReportSurveyGroup[] }; by_age_group: { groups: ReportSurveyGroup[] } } | null;
  };
  sources: { used: string[]; left_out: string[] };
  atgardsplan: {
    priorities: { title: string; owner: string | null; due_date: string | null; rationale: string | null }[];
    actions: { title: string; responsible: string | null; start_date: string | null; end_date: string | null }[];
  };
  texts?: { introduction: string; conclusion: string };
}

/** A published version as listed. */
export interface ReportVersion {
  id: number;
  year: number;
  version: number;
  data_cutoff_at: string;
  created_by: string | null;
  created_at: string;
}

/** The report for the viewer's role as it would be published now (nothing stored). */
export async function fetchReportPreview(municipality: string, year: number, signal?: AbortSignal): Promise<ReportContent> {
  return (await getJson<{ content: ReportContent }>('/api/reports/preview', { municipality, year }, signal)).content;
}

/** The versions of a year the viewer may open again, newest first. */
export async function fetchReportVersions(municipality: string, year: number): Promise<ReportVersion[]> {
  return (await getJson<{ reports: ReportVersion[] }>('/api/reports', { municipality, year })).reports;
}

/** Publishes a new version with the free-text sections; answers its id and version number. */
export async function publishReport(input: { municipality: string; year: number; introduction: string; conclusion: string }): Promise<{ id: number; version: number }> {
  return sendJson<{ id: number; version: number }>('POST', '/api/reports', input);
}

/** The PDF of a published version (rendered by the server's headless Chromium). */
export async function fetchReportPdf(id: number): Promise<Blob> {
  const response = await fetch(`/api/reports/${id}/pdf`, { credentials: 'same-origin' });
  if (!response.ok) throw await problemOf(response);
  if (!(response.headers.get('content-type') ?? '').startsWith('application/pdf')) throw new ApiError(response.status, 'not a PDF');
  return response.blob();
}

/** The printable HTML of a version: the browser's print dialog is the fallback where the server has no Chromium. */
export function reportPrintUrl(id: number): string {
  return `/api/reports/${id}?format=html`;
}
