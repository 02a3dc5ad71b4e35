import type { Report, ReportContent, ReportInput, ReportVersion } from '../../../shared/reports.schema.ts';
import { ApiError, getJson, problemOf, sendJson } from '../../api/http.ts';

// The wire types are the shared schema's (shared/reports.schema.ts); re-exported for the views.
export type { ReportContent, ReportDistrict, ReportSurveyGroup, ReportVersion } from '../../../shared/reports.schema.ts';

/** The report for the viewer's role as it would be published now (nothing stored). */
export async function fetchReportPreview(municipality: string, year: number, signal?: AbortSignal): Promise<ReportContent> {
  return (await getJson<{ content: ReportContent }>('/api/reports/preview', { municipality, year }, signal)).content;
}

/** The versions of a year the viewer may open again, newest first. */
export async function fetchReportVersions(municipality: string, year: number): Promise<ReportVersion[]> {
  return (await getJson<{ reports: ReportVersion[] }>('/api/reports', { municipality, year })).reports;
}

/** Publishes a new version with the free-text sections; answers its id and version number. */
export async function publishReport(input: ReportInput): Promise<Report> {
  return sendJson<Report>('POST', '/api/reports', input);
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
