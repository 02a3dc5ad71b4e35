import { createHash } from 'node:crypto';
import { tidyIncidentTable } from '../incidents/incidents.queries.ts';
import type { Db } from '../../infra/db.ts';
import { createCategoryResolver, type IncidentSource } from './category-resolver.ts';
import type { ImportSrid } from './coordinates.ts';
import { ImportFileError, RowErrorList, type RowError } from './import-errors.ts';
import { buildSummary, emptyCounts, fileErrorSummary, RejectsWriter, type ImportSummary } from './import-summary.ts';
import { readIncidentFile, type ImportFormat } from './incident-file.ts';
import type { ParsedIncident } from './incident-rows.ts';
import { countImportRows } from '../../infra/metrics.ts';
import { shutdownSignal } from '../../infra/shutdown.ts';
import {
  classifyIncidentStage,
  createIncidentStage,
  finishImportBatch,
  insertImportBatch,
  insertIncidentStageRows,
  listCategoryMappings,
  listIncidentHashes,
  listKnownCategories,
  listStageRejects,
  lockMunicipalityImports,
  municipalityExists,
  rejectIncidentsOutsideMunicipality,
  type IncidentStageRow,
  writeIncidentStage,
} from './imports.queries.ts';

/** Rows per staging statement: large enough to amortise a round trip, small enough to keep memory flat. */
export const STAGE_BATCH_ROWS = 4000;

/** Everything `lagesbild import incidents` and `POST /api/imports/incidents` pass in. */
export interface IncidentImportInput {
  municipality: string;
  bytes: AsyncIterable<Uint8Array>;
  fileName: string;
  format?: ImportFormat;
  /** `--source`: for rows without a `source` cell. */
  source?: IncidentSource;
  /** `--crs`. */
  crs?: ImportSrid;
  /** `--allow-rejects`: write the valid rows even when some are rejected. */
  allowRejects: boolean;
  /** `--rejects <file>`: where to write the rejected rows as CSV. */
  rejectsPath?: string;
  /** Who imports: stored on the batch. */
  createdBy: string;
  /** Sources the importing role may write (SPEC §6); all when undefined. */
  allowedSources?: readonly IncidentSource[];
  /** "Now" for the future-date check; defaults to the clock. */
  nowMs?: number;
  /** Called after each staged block with the number of rows read so far (for progress output). */
  onProgress?: (rowsRead: number) => void;
  /** Stops the import (rolled back) when aborted; defaults to the process's graceful-shutdown signal. */
  signal?: AbortSignal;
}

/** Thrown inside the transaction to roll it back while still answering with a summary. */
class RolledBack extends Error {
  constructor(readonly summary: ImportSummary) {
    super('rolled back');
  }
}

/** Hashes bytes as they stream past, for the batch checksum. */
export function checksumTap(bytes: AsyncIterable<Uint8Array>): { stream: AsyncIterable<Uint8Array>; digest: () => string } {
  const hash = createHash('sha256');
  async function* stream() {
    for await (const chunk of bytes) {
      hash.update(chunk);
      yield chunk;
    }
  }
  let digest: string | undefined;
  return { stream: stream(), digest: () => (digest ??= hash.digest('hex')) };
}

/**
 * Imports an incident file (SPEC §4.2) in one transaction: rows are parsed as they stream in, staged
 * a few thousand at a time, checked against the municipality's boundary, classified against what is
 * stored (new, changed, unchanged) and written with their districts. Without `allowRejects` a single
 * rejected row rolls everything back; a killed process leaves nothing behind either way.
 */
export async function importIncidents(db: Db, input: IncidentImportInput): Promise<ImportSummary> {
  if (!(await municipalityExists(db, input.municipality))) {
    return fileErrorSummary(
      new ImportFileError('UNKNOWN_MUNICIPALITY', `Kommunen ${input.municipality} finns inte. Lägg till den först med: lagesbild municipality add --code ${input.municipality} --name <namn>.`),
    );
  }
  const categories = createCategoryResolver(await listKnownCategories(db), await listCategoryMappings(db, input.municipality));
  const errors = new RowErrorList();
  const rejects = input.rejectsPath ? new RejectsWriter(input.rejectsPath) : undefined;
  const tap = checksumTap(input.bytes);
  const reject = async (rowErrors: RowError[]) => {
    errors.addRow(rowErrors);
    await rejects?.write(rowErrors);
  };
  const signal = input.signal ?? shutdownSignal;
  try {
    const result = await db.transaction().execute(async (trx) => {
      await lockMunicipalityImports(trx, input.municipality);
      await createIncidentStage(trx);
      let pending: IncidentStageRow[] = [];
      const rows = readIncidentFile(tap.stream, {
        categories,
        defaultSource: input.source,
        crs: input.crs,
        nowMs: input.nowMs ?? Date.now(),
        format: input.format,
        fileName: input.fileName,
      });
      // Rows whose stored version has the same content hash are counted and never staged, so a
      // re-import of an unchanged file costs little more than reading it.
      let unchanged = 0;
      const withoutUnchanged = async (block: IncidentStageRow[]) => {
        if (block.length === 0) return block;
        const stored = await listIncidentHashes(trx, input.municipality, block);
        const changed = block.filter((r) => stored.get(`${r.source}\u0000${r.source_ref}`) !== r.content_hash);
        unchanged += block.length - changed.length;
        return changed;
      };
      let read = 0;
      let staging: Promise<void> = Promise.resolve();
      for await (const result of rows) {
        // Between rows, so a shutdown rolls the whole import back instead of waiting for its end.
        signal.throwIfAborted();
        read++;
        if (!result.ok) {
          await reject(result.errors);
          continue;
        }
        const incident = result.incident;
        if (input.allowedSources && !input.allowedSources.includes(incident.source)) {
          await reject([{ row: incident.row, field: 'source', message: `source: din roll får inte importera källan ${incident.source}` }]);
          continue;
        }
        pending.push(toStageRow(incident));
        if (pending.length >= STAGE_BATCH_ROWS) {
          const changed = await withoutUnchanged(pending);
          // One block in flight while the next is parsed: on a PostgreSQL server the two overlap.
          await staging;
          staging = insertIncidentStageRows(trx, changed);
          // Handled when awaited with the next block; this only stops an early failure counting as unhandled.
          staging.catch(() => undefined);
          pending = [];
          input.onProgress?.(read);
        }
      }
      await staging;
      await insertIncidentStageRows(trx, await withoutUnchanged(pending));
      pending = [];

      await rejectIncidentsOutsideMunicipality(trx, input.municipality);
      for (const row of await listStageRejects(trx)) await reject([locationError(row)]);

      if (errors.rejectedRows > 0 && !input.allowRejects) {
        throw new RolledBack(buildSummary({ batch: null, counts: emptyCounts(), errors, written: false, allowRejects: false }));
      }
      const classified = await classifyIncidentStage(trx, input.municipality);
      const counts = { ...classified, unchanged: classified.unchanged + unchanged };
      const batchId = await insertImportBatch(trx, {
        municipality: input.municipality,
        kind: 'incidents',
        fileName: input.fileName,
        checksum: tap.digest(),
        source: input.source ?? null,
        createdBy: input.createdBy,
      });
      await writeIncidentStage(trx, input.municipality, batchId);
      const summary = buildSummary({ batch: batchId, counts, errors, written: true, allowRejects: input.allowRejects });
      signal.throwIfAborted();
      await finishImportBatch(trx, input.municipality, batchId, { ...counts, rejected: errors.rejectedRows, summary: { ...summary } });
      return summary;
    });
    countImportRows('incidents', { accepted: result.accepted, updated: result.updated, unchanged: result.unchanged, rejected: result.rejected });
    if (result.accepted + result.updated > 0) await tidyIncidentTable(db);
    return result;
  } catch (error) {
    if (error instanceof RolledBack) return error.summary;
    if (error instanceof ImportFileError) return fileErrorSummary(error);
    throw error;
  } finally {
    await rejects?.close();
  }
}

function toStageRow(incident: ParsedIncident): IncidentStageRow {
  const p = incident.point;
  return {
    row_number: incident.row,
    source: incident.source,
    source_ref: incident.source_id,
    category_code: incident.category,
    source_category: incident.source_category,
    occurred_at: incident.occurred_at,
    occurred_until: incident.occurred_until,
    x: p ? p.x : null,
    y: p ? p.y : null,
    srid: p ? p.srid : null,
    coord_field: incident.point_field,
    place: incident.place,
    description: incident.description,
    content_hash: incident.content_hash,
  };
}

function locationError(row: { row_number: number; reject: string; coord_field: string | null; x: number; y: number; srid: number }): RowError {
  const field = row.coord_field ?? 'n';
  const projected = row.srid !== 4326;
  const where = projected ? `n ${row.y}, e ${row.x}` : `lat ${row.y}, lon ${row.x}`;
  if (row.reject === 'swapped') {
    const axes = projected ? 'n och e' : 'lat och lon';
    return {
      row: row.row_number,
      field,
      message: `${field}: platsen (${where}) ligger utanför kommunen, men hamnar inom den om ${axes} byter plats — axlarna ser ut att vara omkastade${projected ? ' (i SWEREF 99 och RT 90 är X = nordlig = n)' : ''}`,
    };
  }
  return { row: row.row_number, field, message: `${field}: platsen (${where}) ligger mer än 1 km utanför kommunen` };
}
