import { ApiError, getJson, sendJson } from '../../api/http.ts';

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
  const body = await sendJson<ImportSummary | { detail?: string } | null>('POST', `/api/imports/${kind}`, form, { acceptStatuses: [422] });
  // A 422 with a summary is an answer (the file was rejected row by row); a bare 422 problem is an error.
  if (body && 'errors' in body && 'written' in body) return body as ImportSummary;
  throw new ApiError(422, (body as { detail?: string } | null)?.detail ?? 'HTTP 422');
}

/** The latest import batches of a municipality. */
export async function fetchBatches(municipality: string): Promise<ImportBatch[]> {
  return (await getJson<{ batches: ImportBatch[] }>('/api/imports', { municipality })).batches;
}

/** Rolls a batch back. */
export async function rollbackBatch(id: number): Promise<ImportBatch> {
  return sendJson<ImportBatch>('POST', `/api/imports/${id}/rollback`);
}
