import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppInstance } from '../../app.ts';
import { AppError, badRequest } from '../../infra/errors.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { auditRequest } from '../audit/audit.service.ts';
import { importableSources, mappingRefusal, requireImporter, requireImportSources, requireMappingRight, requireMunicipalityScope } from '../auth/access.ts';
import type { Viewer } from '../auth/viewer.ts';
import { INCIDENT_SOURCES, parseIncidentSource, type IncidentSource } from './category-resolver.ts';
import { listMappings, removeMapping, setMapping, importCategoryMap } from './category-mapping.service.ts';
import { IMPORT_CRS_LIST, parseCrsName, type ImportSrid } from './coordinates.ts';
import { parseDistrictKind } from './district-features.ts';
import { importDistricts } from './district-import.service.ts';
import { listBatches, rollbackImportBatch } from './import-batches.service.ts';
import type { ImportSummary } from './import-summary.ts';
import { importIncidents } from './incident-import.service.ts';
import { importSurvey } from './survey-import.service.ts';

/**
 * Largest upload, in bytes: 550 MiB, enough for the 500 MB incident files police extracts reach.
 * `IMPORT_MAX_UPLOAD_BYTES` overrides it (tests use a small value).
 */
export const DEFAULT_MAX_UPLOAD_BYTES = 550 * 1024 * 1024;

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const RowErrorSchema = Type.Object({ row: Type.Integer(), field: Type.String(), message: Type.String() });
const CountsSchema = Type.Object({ accepted: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer(), unlocated: Type.Integer() });
const summaryFields = {
  batch: Nullable(Type.Integer()),
  accepted: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  unlocated: Type.Integer(),
  rejected: Type.Integer(),
  errors: Type.Array(RowErrorSchema),
  errors_omitted: Type.Integer(),
  written: Type.Boolean(),
  message: Type.String(),
  repaired: Type.Optional(Type.Integer()),
  reassigned: Type.Optional(Type.Object({ incidents: Type.Integer(), responses: Type.Integer(), marks: Type.Integer() })),
  survey: Type.Optional(Nullable(Type.Integer())),
  responses: Type.Optional(CountsSchema),
  marks: Type.Optional(CountsSchema),
};
/** The import summary of SPEC §3 as a response. */
const SummarySchema = Type.Object(summaryFields);
/** A rejected file: problem+json that also carries the whole summary, so a client can list the rows. */
const RejectedSchema = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  request_id: Type.Optional(Type.String()),
  ...summaryFields,
});

const BatchSchema = Type.Object({
  id: Type.Integer(),
  municipality: Type.String(),
  kind: Type.String(),
  file_name: Nullable(Type.String()),
  checksum: Nullable(Type.String()),
  source: Nullable(Type.String()),
  created_by: Type.String(),
  created_at: Type.String(),
  status: Type.String(),
  rolled_back_at: Nullable(Type.String()),
  accepted: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  unlocated: Type.Integer(),
  rejected: Type.Integer(),
});

const MappingSchema = Type.Object({ source: Nullable(Type.String()), source_code: Type.String(), category: Type.String() });

const uploadResponses = { 200: SummarySchema, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 413: ProblemSchema, 415: ProblemSchema, 422: RejectedSchema };

/** A multipart upload spooled to temporary files: field values and the files by field name. */
interface Upload {
  fields: Record<string, string>;
  files: Record<string, { path: string; fileName: string }>;
  dir: string;
}

function maxUploadBytes(): number {
  const fromEnv = Number(process.env.IMPORT_MAX_UPLOAD_BYTES);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_MAX_UPLOAD_BYTES;
}

/** Streams every part of a multipart request to a private temporary directory (bounded memory), enforcing the size limit with a 413. */
async function receiveUpload(request: FastifyRequest, limit: number, allowedFiles: readonly string[], allowedFields: readonly string[]): Promise<Upload> {
  if (!request.isMultipart()) throw new AppError(415, 'NOT_MULTIPART', 'Skicka filen som multipart/form-data (fältet "file").');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lagesbild-upload-'));
  const upload: Upload = { fields: {}, files: {}, dir };
  try {
    for await (const part of request.parts({ limits: { fileSize: limit, files: allowedFiles.length, fields: 20 } })) {
      if (part.type === 'file') {
        if (!allowedFiles.includes(part.fieldname)) {
          part.file.resume();
          throw badRequest(part.fieldname, `unexpected file field; expected ${allowedFiles.join(' or ')}`);
        }
        const target = path.join(dir, `${part.fieldname}-${randomBytes(4).toString('hex')}`);
        await pipeline(part.file, fs.createWriteStream(target, { mode: 0o600 }));
        if (part.file.truncated) throw tooLarge(limit);
        upload.files[part.fieldname] = { path: target, fileName: path.basename(part.filename || part.fieldname) };
      } else {
        if (!allowedFields.includes(part.fieldname)) throw badRequest(part.fieldname, 'unknown field');
        upload.fields[part.fieldname] = String(part.value ?? '');
      }
    }
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(limit);
    throw error;
  }
  return upload;
}

function tooLarge(limit: number): AppError {
  return new AppError(413, 'FILE_TOO_LARGE', `Filen är större än ${Math.round(limit / 1024 / 1024)} MB, som är gränsen för uppladdning. Dela upp den, eller importera den med kommandot lagesbild import på servern.`);
}

function requireFile(upload: Upload, field: string) {
  const file = upload.files[field];
  if (!file) throw badRequest(field, 'a file is required');
  return file;
}

function requireMunicipalityField(upload: Upload, viewer: Viewer): string {
  const code = (upload.fields.municipality ?? '').trim();
  if (!/^\d{4}$/.test(code)) throw badRequest('municipality', 'a four-digit SCB code is required');
  requireMunicipalityScope(viewer, code);
  return code;
}

function crsField(upload: Upload): ImportSrid | undefined {
  const text = upload.fields.crs?.trim();
  if (!text) return undefined;
  const srid = parseCrsName(text);
  if (!srid) throw badRequest('crs', `must be one of ${IMPORT_CRS_LIST}`);
  return srid;
}

function booleanField(upload: Upload, name: string): boolean {
  const text = (upload.fields[name] ?? '').trim().toLowerCase();
  if (text === '' || text === 'false' || text === '0') return false;
  if (text === 'true' || text === '1' || text === 'on') return true;
  throw badRequest(name, 'must be true or false');
}

function importer(viewer: Viewer): string {
  if (viewer.userId !== null) return `user:${viewer.userId}`;
  if (viewer.tokenId !== null) return `token:${viewer.tokenId}`;
  return viewer.role;
}

/** 200 with the summary when written; 422 problem+json carrying the summary when the file was rejected. */
function answer(reply: { status(code: number): { type(t: string): unknown }; type(t: string): unknown }, request: FastifyRequest, summary: ImportSummary) {
  if (summary.written) return summary;
  reply.status(422).type('application/problem+json');
  return {
    type: 'https://lagesbild.example/problems/import-rejected',
    title: 'Unprocessable Content',
    status: 422,
    detail: summary.message,
    request_id: String(request.id),
    ...summary,
  };
}

/** POST /api/imports/{incidents,districts,survey,category-mapping}, GET /api/imports, POST /api/imports/{id}/rollback, category mapping CRUD. */
export async function importRoutes(app: AppInstance) {
  const limit = maxUploadBytes();
  await app.register(fastifyMultipart, { limits: { fileSize: limit } });

  app.post(
    '/api/imports/incidents',
    {
      schema: {
        tags: ['imports'],
        summary: 'Import incidents (CSV or GeoJSON, multipart field "file"); same rules and summary as `lagesbild import incidents`',
        consumes: ['multipart/form-data'],
        response: uploadResponses,
      },
    },
    async (request, reply) => {
      const viewer = request.viewer;
      requireImporter(viewer);
      const allowedSources = importableSources(viewer);
      if (allowedSources.length === 0) requireImportSources(viewer, INCIDENT_SOURCES);
      const upload = await receiveUpload(request, limit, ['file'], ['municipality', 'source', 'crs', 'allow_rejects']);
      try {
        const municipality = requireMunicipalityField(upload, viewer);
        const sourceText = upload.fields.source?.trim();
        const source = sourceText ? parseIncidentSource(sourceText) : undefined;
        if (sourceText && !source) throw badRequest('source', `unknown source "${sourceText}"`);
        if (source) requireImportSources(viewer, [source]);
        const file = requireFile(upload, 'file');
        const summary = await importIncidents(app.database.db, {
          municipality,
          bytes: fs.createReadStream(file.path, { highWaterMark: 1024 * 1024 }),
          fileName: file.fileName,
          source,
          crs: crsField(upload),
          allowRejects: booleanField(upload, 'allow_rejects'),
          createdBy: importer(viewer),
          allowedSources,
        });
        return answer(reply, request, summary);
      } finally {
        fs.rmSync(upload.dir, { recursive: true, force: true });
      }
    },
  );

  app.post(
    '/api/imports/districts',
    {
      schema: {
        tags: ['imports'],
        summary: 'Import district boundaries (GeoJSON, multipart field "file"); same rules and summary as `lagesbild import districts`',
        consumes: ['multipart/form-data'],
        response: uploadResponses,
      },
    },
    async (request, reply) => {
      requireImporter(request.viewer);
      const upload = await receiveUpload(request, limit, ['file'], ['municipality', 'name_field', 'kind', 'population_field', 'crs', 'allow_rejects']);
      try {
        const municipality = requireMunicipalityField(upload, request.viewer);
        const kindText = upload.fields.kind?.trim();
        const kind = kindText ? parseDistrictKind(kindText) : undefined;
        if (kindText && !kind) throw badRequest('kind', 'must be kommundel, stadsdel or omrade');
        const file = requireFile(upload, 'file');
        const summary = await importDistricts(app.database.db, {
          municipality,
          bytes: fs.createReadStream(file.path),
          fileName: file.fileName,
          nameField: upload.fields.name_field?.trim() || undefined,
          kind,
          populationField: upload.fields.population_field?.trim() || undefined,
          crs: crsField(upload),
          allowRejects: booleanField(upload, 'allow_rejects'),
          createdBy: importer(request.viewer),
        });
        return answer(reply, request, summary);
      } finally {
        fs.rmSync(upload.dir, { recursive: true, force: true });
      }
    },
  );

  app.post(
    '/api/imports/survey',
    {
      schema: {
        tags: ['imports'],
        summary: 'Import survey responses (field "file") and marks (field "marks"); same rules and summary as `lagesbild import survey`',
        consumes: ['multipart/form-data'],
        response: uploadResponses,
      },
    },
    async (request, reply) => {
      requireImporter(request.viewer);
      const upload = await receiveUpload(request, limit, ['file', 'marks'], ['municipality', 'survey', 'crs', 'allow_rejects']);
      try {
        const municipality = requireMunicipalityField(upload, request.viewer);
        const survey = upload.fields.survey?.trim();
        if (!survey) throw badRequest('survey', 'the survey name is required');
        const file = requireFile(upload, 'file');
        const marks = upload.files.marks;
        const summary = await importSurvey(app.database.db, {
          municipality,
          survey,
          responses: { bytes: fs.createReadStream(file.path), fileName: file.fileName },
          marks: marks ? { bytes: fs.createReadStream(marks.path), fileName: marks.fileName } : undefined,
          crs: crsField(upload),
          allowRejects: booleanField(upload, 'allow_rejects'),
          createdBy: importer(request.viewer),
        });
        return answer(reply, request, summary);
      } finally {
        fs.rmSync(upload.dir, { recursive: true, force: true });
      }
    },
  );

  app.post(
    '/api/imports/category-mapping',
    {
      schema: {
        tags: ['imports'],
        summary: 'Import a source-code → category mapping CSV (field "file"), as `lagesbild import category-map`',
        consumes: ['multipart/form-data'],
        response: uploadResponses,
      },
    },
    async (request, reply) => {
      requireImporter(request.viewer);
      const upload = await receiveUpload(request, limit, ['file'], ['municipality']);
      try {
        const municipality = requireMunicipalityField(upload, request.viewer);
        const file = requireFile(upload, 'file');
        const summary = await importCategoryMap(app.database.db, {
          municipality, bytes: fs.createReadStream(file.path), fileName: file.fileName, createdBy: importer(request.viewer),
          refuse: (change) => mappingRefusal(request.viewer.role, change),
        });
        await auditRequest(request, {
          action: summary.written ? 'category_mapping.import' : 'category_mapping.import_rejected', municipality,
          filters: { batch: summary.batch, file_name: file.fileName, rejected: summary.rejected }, resultCount: summary.accepted + summary.updated,
        });
        return answer(reply, request, summary);
      } finally {
        fs.rmSync(upload.dir, { recursive: true, force: true });
      }
    },
  );

  const MunicipalityQuery = Type.Object({ municipality: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })) }, { additionalProperties: false });

  app.get(
    '/api/imports',
    {
      schema: {
        tags: ['imports'],
        summary: 'Import batches, newest first: who, when, file name, checksum, counts, status',
        querystring: MunicipalityQuery,
        response: { 200: Type.Object({ batches: Type.Array(BatchSchema) }), 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (request) => {
      requireImporter(request.viewer);
      const code = request.query.municipality ?? null;
      if (code) requireMunicipalityScope(request.viewer, code);
      let batches = await listBatches(app.database.db, code);
      if (request.viewer.municipalityCodes) batches = batches.filter((b) => request.viewer.municipalityCodes!.includes(b.municipality));
      return { batches };
    },
  );

  app.post(
    '/api/imports/:id/rollback',
    {
      schema: {
        tags: ['imports'],
        summary: 'Roll an import batch back (previous versions restored, added rows removed)',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 200: BatchSchema, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema },
      },
    },
    async (request) => {
      requireImporter(request.viewer);
      let sources: string[] = [];
      const rolled = await rollbackImportBatch(app.database.db, request.params.id, request.viewer.municipalityCodes, (found) => {
        sources = found;
        requireImportSources(request.viewer, found);
      });
      await auditRequest(request, { action: 'import.rollback', municipality: rolled.municipality, filters: { batch: rolled.id, kind: rolled.kind, sources }, resultCount: rolled.accepted + rolled.updated });
      return rolled;
    },
  );

  app.get(
    '/api/imports/category-mapping',
    {
      schema: {
        tags: ['imports'],
        summary: "A municipality's source-code → category mapping",
        querystring: Type.Object({ municipality: Type.String({ pattern: '^[0-9]{4}$' }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ mappings: Type.Array(MappingSchema) }), 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      requireImporter(request.viewer);
      const code = request.query.municipality;
      requireMunicipalityScope(request.viewer, code);
      return { mappings: await listMappings(app.database.db, code) };
    },
  );

  const MappingBody = Type.Object(
    { municipality: Type.String({ pattern: '^[0-9]{4}$' }), source: Nullable(Type.String({ maxLength: 40 })), source_code: Type.String({ minLength: 1, maxLength: 100 }), category: Type.String({ maxLength: 60 }) },
    { additionalProperties: false },
  );

  app.put(
    '/api/imports/category-mapping',
    {
      schema: {
        tags: ['imports'],
        summary: 'Set one mapping entry (source null = every source)',
        body: MappingBody,
        response: { 200: MappingSchema, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      requireImporter(request.viewer);
      const { municipality, ...entry } = request.body;
      requireMunicipalityScope(request.viewer, municipality);
      const { entry: written, previous } = await setMapping(app.database.db, municipality, entry, (change) => requireMappingRight(request.viewer, change));
      await auditRequest(request, { action: 'category_mapping.set', municipality, filters: { ...written, previous_category: previous } });
      return written;
    },
  );

  app.delete(
    '/api/imports/category-mapping',
    {
      schema: {
        tags: ['imports'],
        summary: 'Remove one mapping entry',
        body: Type.Object({ municipality: Type.String({ pattern: '^[0-9]{4}$' }), source: Nullable(Type.String({ maxLength: 40 })), source_code: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
        response: { 204: Type.Null(), 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request, reply) => {
      requireImporter(request.viewer);
      const { municipality, source, source_code } = request.body;
      requireMunicipalityScope(request.viewer, municipality);
      const previous = await removeMapping(app.database.db, municipality, source, source_code, (change) => requireMappingRight(request.viewer, change));
      await auditRequest(request, { action: 'category_mapping.delete', municipality, filters: { source, source_code, previous_category: previous } });
      return reply.status(204).send(null);
    },
  );
}
