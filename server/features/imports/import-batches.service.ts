import type { Db } from '../../infra/db.ts';
import { tidyIncidentTable } from '../incidents/incidents.queries.ts';
import { AppError } from '../../infra/errors.ts';
import { rollbackDistrictBatch } from './district-import.service.ts';
import {
  findImportBatch, listBatchIncidentSources, listImportBatches, lockMunicipalityImports, markBatchRolledBack, rollbackIncidentBatch, type ImportBatchRow,
} from './imports.queries.ts';
import { rollbackSurveyBatch } from './survey-import.service.ts';

/** A batch as shown in lists: counts and status, times as ISO strings. */
export interface ImportBatchView {
  id: number;
  municipality: string;
  kind: string;
  file_name: string | null;
  checksum: string | null;
  source: string | null;
  created_by: string;
  created_at: string;
  status: 'committed' | 'rolled_back';
  rolled_back_at: string | null;
  accepted: number;
  updated: number;
  unchanged: number;
  unlocated: number;
  rejected: number;
}

function present(row: ImportBatchRow): ImportBatchView {
  return {
    id: row.id,
    municipality: row.municipality_code,
    kind: row.kind,
    file_name: row.file_name,
    checksum: row.checksum,
    source: row.source,
    created_by: row.created_by,
    created_at: new Date(row.created_at).toISOString(),
    status: row.status,
    rolled_back_at: row.rolled_back_at ? new Date(row.rolled_back_at).toISOString() : null,
    accepted: row.accepted,
    updated: row.updated,
    unchanged: row.unchanged,
    unlocated: row.unlocated,
    rejected: row.rejected,
  };
}

/** Import batches, newest first; of one municipality when given. */
export async function listBatches(db: Db, municipality: string | null): Promise<ImportBatchView[]> {
  return (await listImportBatches(db, municipality)).map(present);
}

/**
 * Rolls a batch back in one transaction: incidents it changed get their previous version back, rows
 * it created are deleted, districts' incidents are reassigned. 404 for an unknown batch, 409 when it
 * is already rolled back or a later batch changed its rows (roll that one back first).
 */
export async function rollbackImportBatch(
  db: Db,
  batchId: number,
  municipalityCodes: readonly string[] | null = null,
  /** Throws when the caller may not touch data of these sources (the batch's actual incidents'); CLI: none. */
  authorizeSources?: (sources: string[]) => void,
): Promise<ImportBatchView> {
  const rolledBack = await db.transaction().execute(async (trx) => {
    const found = await findImportBatch(trx, batchId);
    if (!found || (municipalityCodes && !municipalityCodes.includes(found.municipality_code))) {
      throw new AppError(404, 'BATCH_NOT_FOUND', `Importen ${batchId} finns inte.`);
    }
    // Read again under the lock: a rollback or import that ran meanwhile may have changed it.
    await lockMunicipalityImports(trx, found.municipality_code);
    const batch = (await findImportBatch(trx, batchId))!;
    if (batch.status === 'rolled_back') throw new AppError(409, 'BATCH_ALREADY_ROLLED_BACK', `Importen ${batchId} är redan återställd.`);
    if (authorizeSources) {
      // Read under the lock, so no import can add rows of another source between the check and the rollback.
      const sources = batch.kind === 'incidents' ? await listBatchIncidentSources(trx, batch.municipality_code, batchId) : [];
      authorizeSources([...new Set([...sources, ...(batch.source ? [batch.source] : [])])]);
    }
    let blockedBy: number | null = null;
    if (batch.kind === 'incidents') blockedBy = (await rollbackIncidentBatch(trx, batch.municipality_code, batchId)).blockedBy;
    else if (batch.kind === 'districts') blockedBy = await rollbackDistrictBatch(trx, batch.municipality_code, batchId);
    else if (batch.kind === 'survey') blockedBy = await rollbackSurveyBatch(trx, batch.municipality_code, batchId);
    else throw new AppError(409, 'BATCH_NOT_ROLLBACKABLE', `En import av typen ${batch.kind} kan inte återställas; ändra översättningarna direkt i stället.`);
    if (blockedBy !== null) {
      throw new AppError(409, 'BATCH_SUPERSEDED', `Importen ${batchId} kan inte återställas eftersom import ${blockedBy} har ändrat samma rader senare. Återställ import ${blockedBy} först.`);
    }
    await markBatchRolledBack(trx, batch.municipality_code, batchId);
    return present({ ...batch, status: 'rolled_back', rolled_back_at: new Date() });
  });
  if (rolledBack.kind === 'incidents') await tidyIncidentTable(db);
  return rolledBack;
}
