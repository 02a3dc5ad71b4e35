import { ApiError, getJson } from '../../api/http.ts';
import { writeHeaders } from '../auth/auth.api.ts';

/** What can be imported from the upload panel, and the route each goes to. */
export type ImportKind = 'incidents' | 'districts' | 'survey' | 'category-mapping';

/** One rejected value, as in the CLI summary: `row` is the 1-based data row (0 = the file as a whole). */
export interface ImportRowError {
  row: number;
  field: string;
  message: string;
}

/** The import summary (SPEC §3), the same for the CLI and the API. */
export interface ImportSummary {
  batch: number | null;
  accepted: number;
  updated: number;
  unchanged: number;
  unlocated: number;
  rejected: number;
  errors: ImportRowError[];
  errors_omitted: number;
  written: boolean;
  message: string;
  repaired?: number;
  reassigned?: { incidents: number; responses: number; marks: number };
  responses?: { accepted: number; updated: number; unchanged: number; unlocated: number };
  marks?: { accepted: number; updated: number; unchanged: number; unlocated: number };
}

/** An import batch as GET /api/imports lists it. */
export interface ImportBatch {
  id: number;
  municipality: string;
  kind: string;
  file_name: string | null;
  created_by: string;
  created_at: string;
  status: 'committed' | 'rolled_back';
  accepted: number;
  updated: number;
  unchanged: number;
  unlocated: number;
  rejected: number;
}

/**
 * Uploads a file (multipart) and answers the summary: a 422 (file rejected) also carries a summary,
 * so it resolves too; other failures throw an ApiError with the server's explanation.
 */
export async function uploadImport(kind: ImportKind, form: FormData): Promise<ImportSummary> {
  const response = await fetch(`/api/imports/${kind}`, { method: 'POST', body: form, credentials: 'same-origin', headers: writeHeaders() });
  const body = await response.json().catch(() => null);
  if (response.ok || (response.status === 422 && body && 'errors' in body && 'written' in body)) return body as ImportSummary;
  throw new ApiError(response.status, body?.detail ?? `HTTP ${response.status}`);
}

/** The latest import batches of a municipality. */
export async function fetchBatches(municipality: string): Promise<ImportBatch[]> {
  return (await getJson<{ batches: ImportBatch[] }>('/api/imports', { municipality })).batches;
}

/** Rolls a batch back. */
export async function rollbackBatch(id: number): Promise<ImportBatch> {
  const response = await fetch(`/api/imports/${id}/rollback`, { method: 'POST', credentials: 'same-origin', headers: writeHeaders() });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body?.detail ?? `HTTP ${response.status}`);
  return body as ImportBatch;
}
