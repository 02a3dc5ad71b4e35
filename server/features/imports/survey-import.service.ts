import type { Db } from '../../infra/db.ts';
import type { ImportSrid } from './coordinates.ts';
import { ImportFileError, RowErrorList, type RowError } from './import-errors.ts';
import { buildSummary, emptyCounts, fileErrorSummary, type ImportCounts, type ImportSummary } from './import-summary.ts';
import { checksumTap } from './incident-import.service.ts';
import type { ImportFormat } from './incident-file.ts';
import { finishImportBatch, insertImportBatch, lockMunicipalityImports, municipalityExists } from './imports.queries.ts';
import {
  checkStagedMarks,
  classifySurveyStages,
  createSurveyStages,
  findOrCreateSurvey,
  insertMarkStageRows,
  insertResponseStageRows,
  linkStagedResponses,
  listSurveyStageRejects,
  rollbackSurveyRows,
  writeSurveyStages,
  type MarkStageRow,
  type ResponseStageRow,
} from './survey-import.queries.ts';
import { readSurveyMarks, readSurveyResponses } from './survey-rows.ts';

/** Everything `lagesbild import survey` and `POST /api/imports/survey` pass in. */
export interface SurveyImportInput {
  municipality: string;
  /** `--survey <name>`: created on first import, reused after. */
  survey: string;
  responses: { bytes: AsyncIterable<Uint8Array>; fileName: string };
  /** `--marks <file>`: unsafe places, CSV or GeoJSON. */
  marks?: { bytes: AsyncIterable<Uint8Array>; fileName: string; format?: ImportFormat };
  crs?: ImportSrid;
  allowRejects?: boolean;
  createdBy: string;
}

/** The survey summary adds the counts of responses and marks separately; the top-level counts are their sums. */
export interface SurveyImportSummary extends ImportSummary {
  survey: number | null;
  responses: ImportCounts;
  marks: ImportCounts;
}

class RolledBack extends Error {
  constructor(readonly summary: SurveyImportSummary) {
    super('rolled back');
  }
}

const STAGE_ROWS = 2000;

/** Prefix for errors from the marks file, whose row numbers restart at 1. */
const MARKS_PREFIX = 'Markeringsfilen: ';

/**
 * Imports survey responses and, optionally, marks of unsafe places (SPEC §4.3) in one transaction.
 * Responses link to a district by the `district` cell (id, name or external id) or by their point;
 * marks by their point. Comments are stored as pending moderation. Responses and marks matched by
 * their ids within the survey are updated (previous versions kept for rollback).
 */
export async function importSurvey(db: Db, input: SurveyImportInput): Promise<SurveyImportSummary> {
  const none = { survey: null, responses: emptyCounts(), marks: emptyCounts() };
  if (!(await municipalityExists(db, input.municipality))) {
    return { ...fileErrorSummary(new ImportFileError('UNKNOWN_MUNICIPALITY', `Kommunen ${input.municipality} finns inte. Lägg till den först med: lagesbild municipality add --code ${input.municipality} --name <namn>.`)), ...none };
  }
  if (!input.survey.trim()) return { ...fileErrorSummary(new ImportFileError('MISSING_SURVEY', 'Ange enkätens namn med --survey.')), ...none };
  const errors = new RowErrorList();
  const tap = checksumTap(input.responses.bytes);
  try {
    return await db.transaction().execute(async (trx) => {
      await lockMunicipalityImports(trx, input.municipality);
      await createSurveyStages(trx);
      let pending: ResponseStageRow[] = [];
      for await (const result of readSurveyResponses(tap.stream, { crs: input.crs })) {
        if (!result.ok) {
          errors.addRow(result.errors);
          continue;
        }
        const r = result.response;
        const problems: Record<string, number> = {};
        for (const [key, value] of Object.entries(r.answers)) if (key.startsWith('problem_')) problems[key.slice(8)] = value as number;
        pending.push({
          row_number: r.row,
          response_ref: r.response_id,
          district: r.district,
          x: r.point?.x ?? null,
          y: r.point?.y ?? null,
          srid: r.point?.srid ?? null,
          gender: r.gender,
          age_group: r.age_group,
          weight: r.weight,
          otrygg_kvall: (r.answers.otrygg_kvall as number | undefined) ?? null,
          avstar_aktivitet: (r.answers.avstar_aktivitet as boolean | undefined) ?? null,
          oro_brott: (r.answers.oro_brott as number | undefined) ?? null,
          problems,
        });
        if (pending.length >= STAGE_ROWS) {
          await insertResponseStageRows(trx, pending);
          pending = [];
        }
      }
      await insertResponseStageRows(trx, pending);

      if (input.marks) {
        let marks: MarkStageRow[] = [];
        try {
          for await (const result of readSurveyMarks(input.marks.bytes, { fileName: input.marks.fileName, format: input.marks.format, crs: input.crs })) {
            if (!result.ok) {
              errors.addRow(result.errors.map(marksError));
              continue;
            }
            const k = result.mark;
            marks.push({ row_number: k.row, mark_ref: k.mark_id, response_ref: k.response_id, x: k.point.x, y: k.point.y, srid: k.point.srid, reasons: k.reasons, time_of_day: k.time_of_day, comment: k.comment });
            if (marks.length >= STAGE_ROWS) {
              await insertMarkStageRows(trx, marks);
              marks = [];
            }
          }
        } catch (error) {
          if (error instanceof ImportFileError) throw new ImportFileError(error.code, `${MARKS_PREFIX}${error.message}`, error.row, error.field);
          throw error;
        }
        await insertMarkStageRows(trx, marks);
      }

      await linkStagedResponses(trx, input.municipality);
      const batchId = await insertImportBatch(trx, {
        municipality: input.municipality,
        kind: 'survey',
        fileName: input.marks ? `${input.responses.fileName} + ${input.marks.fileName}` : input.responses.fileName,
        checksum: tap.digest(),
        source: null,
        createdBy: input.createdBy,
      });
      const survey = await findOrCreateSurvey(trx, input.municipality, input.survey.trim(), batchId);
      await checkStagedMarks(trx, input.municipality, survey.id);
      for (const r of await listSurveyStageRejects(trx, 'responses')) {
        errors.addRow([
          r.reject === 'district'
            ? { row: r.row_number, field: 'district', message: `district: området "${r.district}" finns inte i kommunen (ange namn eller id)` }
            : { row: r.row_number, field: 'n', message: 'platsen ligger långt utanför Sverige' },
        ]);
      }
      for (const r of await listSurveyStageRejects(trx, 'marks')) {
        errors.addRow([
          marksError(
            r.reject === 'response'
              ? { row: r.row_number, field: 'response_id', message: `response_id "${r.ref}" finns inte bland enkätens svar` }
              : { row: r.row_number, field: 'geometry', message: 'platsen ligger långt utanför Sverige' },
          ),
        ]);
      }
      if (errors.rejectedRows > 0 && !input.allowRejects) {
        throw new RolledBack({ ...buildSummary({ batch: null, counts: emptyCounts(), errors, written: false, allowRejects: false }), ...none });
      }
      const classified = await classifySurveyStages(trx, input.municipality, survey.id);
      await writeSurveyStages(trx, input.municipality, survey.id, batchId);
      const counts: ImportCounts = {
        accepted: classified.responses.accepted + classified.marks.accepted,
        updated: classified.responses.updated + classified.marks.updated,
        unchanged: classified.responses.unchanged + classified.marks.unchanged,
        unlocated: classified.responses.unlocated,
      };
      const summary: SurveyImportSummary = {
        ...buildSummary({ batch: batchId, counts, errors, written: true, allowRejects: Boolean(input.allowRejects) }),
        survey: survey.id,
        responses: classified.responses,
        marks: classified.marks,
      };
      await finishImportBatch(trx, input.municipality, batchId, { ...counts, rejected: errors.rejectedRows, summary: { ...summary } });
      return summary;
    });
  } catch (error) {
    if (error instanceof RolledBack) return error.summary;
    if (error instanceof ImportFileError) return { ...fileErrorSummary(error), ...none };
    throw error;
  }
}

function marksError(error: RowError): RowError {
  return { ...error, field: `marks.${error.field}`, message: `${MARKS_PREFIX}${error.message}` };
}

/** Undoes a survey batch; returns the blocking later batch or null. */
export async function rollbackSurveyBatch(db: Db, municipalityCode: string, batchId: number): Promise<number | null> {
  return rollbackSurveyRows(db, municipalityCode, batchId);
}
