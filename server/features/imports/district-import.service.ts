import { sql } from 'kysely';
import type { Db } from '../../infra/db.ts';
import type { ImportSrid } from './coordinates.ts';
import { readDistrictFile, type DistrictKind, type ParsedDistrict } from './district-features.ts';
import {
  classifyDistrictStage,
  dropStagedDistricts,
  listDistrictKeys,
  listUnrepairableDistricts,
  rollbackDistrictRows,
  stageDistricts,
  writeDistrictStage,
} from './district-import.queries.ts';
import { ImportFileError, RowErrorList, type RowError } from './import-errors.ts';
import { buildSummary, emptyCounts, fileErrorSummary, type ImportSummary } from './import-summary.ts';
import { checksumTap } from './incident-import.service.ts';
import { finishImportBatch, insertImportBatch, lockMunicipalityImports, municipalityExists, reassignDistricts } from './imports.queries.ts';

/** Everything `lagesbild import districts` and `POST /api/imports/districts` pass in. */
export interface DistrictImportInput {
  municipality: string;
  bytes: AsyncIterable<Uint8Array>;
  fileName: string;
  nameField?: string;
  kind?: DistrictKind;
  populationField?: string;
  crs?: ImportSrid;
  /** Keep the valid features when some are rejected (without it one rejected feature rejects the file). */
  allowRejects?: boolean;
  createdBy: string;
}

/** The district summary adds how many geometries were repaired and how many located rows changed district. */
export interface DistrictImportSummary extends ImportSummary {
  repaired: number;
  reassigned: { incidents: number; responses: number; marks: number };
}

class RolledBack extends Error {
  constructor(readonly summary: DistrictImportSummary) {
    super('rolled back');
  }
}

/**
 * Imports district boundaries (SPEC §4.1) in one transaction: features matched by kind and name are
 * updated (the previous version kept for rollback), new ones inserted, invalid rings repaired with
 * ST_MakeValid (or the feature rejected by number and name), parents linked, and every incident,
 * survey response and mark in a changed area given its new finest district.
 */
export async function importDistricts(db: Db, input: DistrictImportInput): Promise<DistrictImportSummary> {
  const extra = { repaired: 0, reassigned: { incidents: 0, responses: 0, marks: 0 } };
  if (!(await municipalityExists(db, input.municipality))) {
    return { ...fileErrorSummary(new ImportFileError('UNKNOWN_MUNICIPALITY', `Kommunen ${input.municipality} finns inte. Lägg till den först med: lagesbild municipality add --code ${input.municipality} --name <namn>.`)), ...extra };
  }
  const tap = checksumTap(input.bytes);
  let parsed: { districts: ParsedDistrict[]; errors: RowError[] };
  try {
    parsed = await readDistrictFile(tap.stream, { nameField: input.nameField, kind: input.kind, populationField: input.populationField, crs: input.crs });
  } catch (error) {
    if (error instanceof ImportFileError) return { ...fileErrorSummary(error), ...extra };
    throw error;
  }
  const errors = new RowErrorList();
  const byFeature = new Map<number, RowError[]>();
  for (const e of parsed.errors) byFeature.set(e.row, [...(byFeature.get(e.row) ?? []), e]);
  for (const rowErrors of byFeature.values()) errors.addRow(rowErrors);

  // Parents must name a district in the file or already stored.
  const existing = await listDistrictKeys(db, input.municipality);
  const known = new Set<string>();
  for (const d of [...existing, ...parsed.districts]) {
    known.add(d.name.toLowerCase());
    if (d.external_id) known.add(d.external_id.toLowerCase());
  }
  let districts = parsed.districts.filter((d) => {
    if (!d.parent || known.has(d.parent.toLowerCase())) return true;
    errors.addRow([{ row: d.feature, field: 'parent', message: `objekt ${d.feature} ("${d.name}"): överordnat område "${d.parent}" finns varken i filen eller bland kommunens områden` }]);
    return false;
  });

  try {
    return await db.transaction().execute(async (trx) => {
      await lockMunicipalityImports(trx, input.municipality);
      await stageDistricts(trx, districts);
      const broken = await listUnrepairableDistricts(trx);
      for (const b of broken) {
        errors.addRow([{ row: b.feature, field: 'geometry', message: `objekt ${b.feature} ("${b.name}"): geometrin är ogiltig och gick inte att laga (ST_MakeValid gav ingen yta)` }]);
      }
      await dropStagedDistricts(trx, broken.map((b) => b.feature));
      districts = districts.filter((d) => !broken.some((b) => b.feature === d.feature));
      if (errors.rejectedRows > 0 && !input.allowRejects) {
        throw new RolledBack({ ...buildSummary({ batch: null, counts: emptyCounts(), errors, written: false, allowRejects: false }), ...extra });
      }
      const classified = await classifyDistrictStage(trx, input.municipality);
      const batchId = await insertImportBatch(trx, {
        municipality: input.municipality,
        kind: 'districts',
        fileName: input.fileName,
        checksum: tap.digest(),
        source: null,
        createdBy: input.createdBy,
      });
      await writeDistrictStage(trx, input.municipality, batchId);
      const reassigned = await reassignDistricts(trx, input.municipality, sql`(SELECT ST_Union(geom) FROM import_changed_area)`);
      const counts = { accepted: classified.accepted, updated: classified.updated, unchanged: classified.unchanged, unlocated: 0 };
      const summary: DistrictImportSummary = {
        ...buildSummary({ batch: batchId, counts, errors, written: true, allowRejects: Boolean(input.allowRejects) }),
        repaired: classified.repaired,
        reassigned,
      };
      if (classified.repaired > 0) summary.message += ` ${classified.repaired} områden hade ogiltiga ringar och lagades med ST_MakeValid.`;
      await finishImportBatch(trx, input.municipality, batchId, { ...counts, rejected: errors.rejectedRows, summary: { ...summary } });
      return summary;
    });
  } catch (error) {
    if (error instanceof RolledBack) return error.summary;
    throw error;
  }
}

/** Undoes a district batch and reassigns every located row; returns the blocking later batch or null. */
export async function rollbackDistrictBatch(db: Db, municipalityCode: string, batchId: number): Promise<number | null> {
  const blockedBy = await rollbackDistrictRows(db, municipalityCode, batchId);
  if (blockedBy === null) await reassignDistricts(db, municipalityCode, null);
  return blockedBy;
}
