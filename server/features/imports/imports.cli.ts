import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXIT, UsageError, withDatabase, type CliCommand, type CliContext } from '../../infra/cli-command.ts';
import { AppError } from '../../infra/errors.ts';
import { insertMunicipality } from '../municipalities/municipalities.queries.ts';
import { parseIncidentSource } from './category-resolver.ts';
import { importCategoryMap } from './category-mapping.service.ts';
import { IMPORT_CRS_LIST, parseCrsName, type ImportSrid } from './coordinates.ts';
import { parseDistrictKind } from './district-features.ts';
import { importDistricts } from './district-import.service.ts';
import { listBatches, rollbackImportBatch } from './import-batches.service.ts';
import { summaryLine, type ImportSummary } from './import-summary.ts';
import { importIncidents } from './incident-import.service.ts';
import { importSurvey } from './survey-import.service.ts';

/** Who runs a CLI import, as recorded on the batch. */
function cliUser(): string {
  try {
    return `cli:${os.userInfo().username}`;
  } catch {
    return 'cli';
  }
}

function requiredString(context: CliContext, flag: string): string {
  const value = context.values[flag];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${flag} is required`);
  return value.trim();
}

function optionalString(context: CliContext, flag: string): string | undefined {
  const value = context.values[flag];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function municipalityCode(context: CliContext): string {
  const code = requiredString(context, 'municipality');
  if (!/^\d{4}$/.test(code)) throw new UsageError(`--municipality must be a four-digit SCB code, got "${code}"`);
  return code;
}

function crsOf(context: CliContext): ImportSrid | undefined {
  const text = optionalString(context, 'crs');
  if (text === undefined) return undefined;
  const srid = parseCrsName(text);
  if (!srid) throw new UsageError(`--crs must be one of ${IMPORT_CRS_LIST}, got "${text}"`);
  return srid;
}

/** The one positional file argument, checked to exist and be a regular file (exit 2 otherwise). */
function inputFile(context: CliContext, what: string): string {
  if (context.positionals.length !== 1) throw new UsageError(`give exactly one ${what} file`);
  return existingFile(context.positionals[0]);
}

class InputFileError extends Error {}

function existingFile(file: string): string {
  const resolved = path.resolve(file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(resolved);
  } catch {
    throw new InputFileError(`the file ${file} does not exist`);
  }
  if (!stat.isFile()) throw new InputFileError(`${file} is not a file`);
  return resolved;
}

/** Streams a file in 1 MiB chunks. */
function fileBytes(file: string): AsyncIterable<Uint8Array> {
  return fs.createReadStream(file, { highWaterMark: 1024 * 1024 });
}

/**
 * Prints the one-line summary on stdout and, when the file was rejected, its message on stderr;
 * exit 0 when written, 2 when rejected.
 */
function report(context: CliContext, summary: ImportSummary): number {
  context.stdout(summaryLine(summary));
  if (!summary.written) {
    context.stderr(`lagesbild: ${summary.message}`);
    for (const e of summary.errors.slice(0, 10)) context.stderr(`  rad ${e.row}${e.field ? ` (${e.field})` : ''}: ${e.message}`);
    if (summary.errors.length > 10 || summary.errors_omitted > 0) context.stderr(`  … se "errors" i sammanfattningen ovan (${summary.rejected} avvisade rader)`);
    return EXIT.invalidInput;
  }
  return EXIT.ok;
}

/**
 * Progress on stderr for long imports (a 500 MB file takes minutes): on a terminal, or when
 * LAGESBILD_PROGRESS=1. Every 50,000 rows at most.
 */
function progressReporter(context: CliContext): ((rows: number) => void) | undefined {
  if (!process.stderr.isTTY && process.env.LAGESBILD_PROGRESS !== '1') return undefined;
  let next = 0;
  return (rows) => {
    if (rows < next) return;
    next = rows + 50_000;
    context.stderr(`lagesbild: ${rows} rader lästa …`);
  };
}

/** Runs an import body, turning a missing input file into exit 2. */
async function runImport(context: CliContext, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof InputFileError) {
      context.stderr(`lagesbild: ${error.message}`);
      return EXIT.invalidInput;
    }
    throw error;
  }
}

/** `lagesbild municipality add --code <SCB code> --name <name>`. */
export const municipalityAddCommand: CliCommand = {
  name: 'municipality add',
  summary: 'add a municipality (SCB code and name)',
  help: [
    'lagesbild municipality add --code <SCB code> --name <name>',
    '  Adds a municipality to import districts, incidents and surveys into. The code is the',
    '  four-digit SCB kommunkod (e.g. 0180 Stockholm). Prints {"code", "name", "created"}.',
  ].join('\n'),
  options: { code: { type: 'string' }, name: { type: 'string' } },
  async run(context) {
    const code = requiredString(context, 'code');
    const name = requiredString(context, 'name');
    if (!/^\d{4}$/.test(code)) throw new UsageError(`--code must be a four-digit SCB code, got "${code}"`);
    return withDatabase(context.config, async ({ db }) => {
      const created = await insertMunicipality(db, code, name);
      context.stdout(JSON.stringify({ code, name, created }));
      if (!created) context.stderr(`lagesbild: municipality ${code} already exists; nothing changed`);
      return EXIT.ok;
    });
  },
};

/** `lagesbild import districts <file> --municipality <code> [--name-field F] [--kind K] [--population-field F]`. */
export const importDistrictsCommand: CliCommand = {
  name: 'import districts',
  summary: 'import district boundaries (GeoJSON Polygon/MultiPolygon)',
  help: [
    'lagesbild import districts <file.geojson> --municipality <code> [--name-field F] [--kind K] [--population-field F]',
    '                          [--crs EPSG:3006|EPSG:4326|EPSG:3007–3018|EPSG:3021] [--allow-rejects]',
    '  GeoJSON FeatureCollection of Polygon/MultiPolygon in WGS84, or EPSG:3006 when the file declares it',
    '  (or --crs says so). Names come from --name-field (default name/namn); --kind sets kommundel,',
    '  stadsdel or omrade for features without a kind/typ property; population from --population-field',
    '  (default population), by gender from population_kvinna/_man/_annat and by age from',
    '  population_<from>-<to> / population_<from>+ (e.g. population_16-19, population_80+).',
    '  A "parent" property names the enclosing district (name or id); without it the coarser district',
    '  covering the feature is used. Invalid rings are repaired with ST_MakeValid or the feature rejected.',
    '  Districts matched by kind and name are updated; incidents and survey answers in changed areas are',
    '  reassigned. Prints one JSON summary line. Exit 0 ok, 2 rejected, 3 database in use.',
  ].join('\n'),
  options: {
    municipality: { type: 'string' },
    'name-field': { type: 'string' },
    kind: { type: 'string' },
    'population-field': { type: 'string' },
    crs: { type: 'string' },
    'allow-rejects': { type: 'boolean' },
  },
  async run(context) {
    return runImport(context, async () => {
      const municipality = municipalityCode(context);
      const kindText = optionalString(context, 'kind');
      const kind = kindText === undefined ? undefined : parseDistrictKind(kindText);
      if (kindText !== undefined && !kind) throw new UsageError(`--kind must be kommundel, stadsdel or omrade, got "${kindText}"`);
      const crs = crsOf(context);
      const file = inputFile(context, 'GeoJSON');
      return withDatabase(context.config, async ({ db }) =>
        report(
          context,
          await importDistricts(db, {
            municipality,
            bytes: fileBytes(file),
            fileName: path.basename(file),
            nameField: optionalString(context, 'name-field'),
            kind,
            populationField: optionalString(context, 'population-field'),
            crs,
            allowRejects: context.values['allow-rejects'] === true,
            createdBy: cliUser(),
          }),
        ),
      );
    });
  },
};

/** `lagesbild import incidents <file> --municipality <code> [--source S] [--crs …] [--allow-rejects] [--rejects <file>]`. */
export const importIncidentsCommand: CliCommand = {
  name: 'import incidents',
  summary: 'import incidents (CSV or GeoJSON)',
  help: [
    'lagesbild import incidents <file> --municipality <code> [--source S] [--crs EPSG:3006|EPSG:4326|EPSG:3007–3018|EPSG:3021]',
    '                          [--allow-rejects] [--rejects <file>]',
    '  CSV (UTF-8 with or without BOM, or Windows-1252; delimiter , ; or tab) or GeoJSON Points.',
    '  Columns: id (ärendenummer, diarienummer), category (kategori), occurred_at (tidpunkt) or datum + tid,',
    '  occurred_until (tidpunkt_till), n + e (SWEREF 99 TM) or lat + lon, source (källa), place (plats),',
    '  description (beskrivning). Times without offset are Europe/Stockholm local time.',
    '  --source   police, municipality, housing, security, transport or public, for rows without a source',
    '  --crs      CRS of a GeoJSON file that declares none (default WGS84) and of CSV n/e columns',
    '  --allow-rejects  write the valid rows even when some are rejected (default: one rejected row',
    '             rejects the whole file and nothing is written)',
    '  --rejects  write the rejected rows (row, field, message) to this CSV file',
    '  Re-importing unchanged rows changes nothing; changed rows are updated and can be rolled back',
    '  with `lagesbild imports rollback <batch>`. Prints one JSON summary line:',
    '  {"batch","accepted","updated","unchanged","unlocated","rejected","errors":[{"row","field","message"}],…}',
    '  Exit 0 ok, 2 rejected or invalid input, 3 database in use by a running server.',
  ].join('\n'),
  options: {
    municipality: { type: 'string' },
    source: { type: 'string' },
    crs: { type: 'string' },
    'allow-rejects': { type: 'boolean' },
    rejects: { type: 'string' },
  },
  async run(context) {
    return runImport(context, async () => {
      const municipality = municipalityCode(context);
      const sourceText = optionalString(context, 'source');
      const source = sourceText === undefined ? undefined : parseIncidentSource(sourceText);
      if (sourceText !== undefined && !source) {
        throw new UsageError(`--source must be police, municipality, housing, security, transport or public, got "${sourceText}"`);
      }
      const crs = crsOf(context);
      const file = inputFile(context, 'incident');
      const rejectsPath = optionalString(context, 'rejects');
      return withDatabase(context.config, async ({ db }) =>
        report(
          context,
          await importIncidents(db, {
            municipality,
            bytes: fileBytes(file),
            fileName: path.basename(file),
            source,
            crs,
            allowRejects: context.values['allow-rejects'] === true,
            rejectsPath: rejectsPath ? path.resolve(rejectsPath) : undefined,
            createdBy: cliUser(),
            onProgress: progressReporter(context),
          }),
        ),
      );
    });
  },
};

/** `lagesbild import survey <responses.csv> --municipality <code> --survey <name> [--marks <file>]`. */
export const importSurveyCommand: CliCommand = {
  name: 'import survey',
  summary: 'import safety-survey responses and marked unsafe places',
  help: [
    'lagesbild import survey <responses.csv> --municipality <code> --survey <name> [--marks <file>]',
    '                        [--crs EPSG:3006|EPSG:4326|EPSG:3007–3018|EPSG:3021] [--allow-rejects]',
    '  Responses CSV: response_id, district (name or id) or n/e or lat/lon, gender (kvinna, man, annat,',
    '  uppgift_saknas), age_group (16-19 … 80+, barn_<age>), weight, otrygg_kvall (1–5), avstar_aktivitet',
    '  (ja/nej), oro_brott (1–4), problem_<code> (1–4).',
    '  Marks (CSV or GeoJSON Points): mark_id, response_id, point, reasons (|-separated), time_of_day',
    '  (dag, kvall, natt), comment (held for moderation). The survey is created on first import.',
    '  Prints one JSON summary line. Exit 0 ok, 2 rejected, 3 database in use.',
  ].join('\n'),
  options: {
    municipality: { type: 'string' },
    survey: { type: 'string' },
    marks: { type: 'string' },
    crs: { type: 'string' },
    'allow-rejects': { type: 'boolean' },
  },
  async run(context) {
    return runImport(context, async () => {
      const municipality = municipalityCode(context);
      const survey = requiredString(context, 'survey');
      const crs = crsOf(context);
      const file = inputFile(context, 'responses');
      const marksText = optionalString(context, 'marks');
      const marks = marksText ? existingFile(marksText) : undefined;
      return withDatabase(context.config, async ({ db }) =>
        report(
          context,
          await importSurvey(db, {
            municipality,
            survey,
            responses: { bytes: fileBytes(file), fileName: path.basename(file) },
            marks: marks ? { bytes: fileBytes(marks), fileName: path.basename(marks) } : undefined,
            crs,
            allowRejects: context.values['allow-rejects'] === true,
            createdBy: cliUser(),
          }),
        ),
      );
    });
  },
};

/** `lagesbild import category-map <file> --municipality <code>`. */
export const importCategoryMapCommand: CliCommand = {
  name: 'import category-map',
  summary: "import a municipality's source-code → category mapping (CSV)",
  help: [
    'lagesbild import category-map <file.csv> --municipality <code>',
    '  CSV columns: source (police, municipality, …; empty or * = every source), source_code (kod),',
    '  category (kategori: a category code). Rows replace existing entries for the same source and code.',
    '  Prints one JSON summary line. Exit 0 ok, 2 rejected, 3 database in use.',
  ].join('\n'),
  options: { municipality: { type: 'string' } },
  async run(context) {
    return runImport(context, async () => {
      const municipality = municipalityCode(context);
      const file = inputFile(context, 'mapping');
      return withDatabase(context.config, async ({ db }) =>
        report(context, await importCategoryMap(db, { municipality, bytes: fileBytes(file), fileName: path.basename(file), createdBy: cliUser() })),
      );
    });
  },
};

/** `lagesbild imports list [--municipality <code>]`. */
export const importsListCommand: CliCommand = {
  name: 'imports list',
  summary: 'list import batches, newest first',
  help: 'lagesbild imports list [--municipality <code>]\n  Prints one JSON line per batch: id, kind, file, who, when, counts and status.',
  options: { municipality: { type: 'string' } },
  async run(context) {
    const municipality = optionalString(context, 'municipality') ?? null;
    return withDatabase(context.config, async ({ db }) => {
      for (const batch of await listBatches(db, municipality)) context.stdout(JSON.stringify(batch));
      return EXIT.ok;
    });
  },
};

/** `lagesbild imports rollback <batch>`. */
export const importsRollbackCommand: CliCommand = {
  name: 'imports rollback',
  summary: 'roll an import batch back',
  help: [
    'lagesbild imports rollback <batch>',
    '  Restores the previous version of every row the batch changed and removes the rows it added.',
    '  Refused (exit 2) when a later batch changed the same rows: roll that one back first.',
  ].join('\n'),
  options: {},
  async run(context) {
    if (context.positionals.length !== 1 || !/^\d+$/.test(context.positionals[0])) throw new UsageError('give the batch id, e.g. `lagesbild imports rollback 12`');
    const batchId = Number(context.positionals[0]);
    return withDatabase(context.config, async ({ db }) => {
      try {
        context.stdout(JSON.stringify(await rollbackImportBatch(db, batchId)));
        return EXIT.ok;
      } catch (error) {
        if (error instanceof AppError) {
          context.stderr(`lagesbild: ${error.message}`);
          return EXIT.invalidInput;
        }
        throw error;
      }
    });
  },
};

/** Every command of the imports feature, for server/cli.ts. */
export const IMPORT_COMMANDS: CliCommand[] = [
  municipalityAddCommand,
  importDistrictsCommand,
  importIncidentsCommand,
  importSurveyCommand,
  importCategoryMapCommand,
  importsListCommand,
  importsRollbackCommand,
];
