import { MARK_REASONS, MARK_TIMES as MARK_TIMES_OF_DAY } from '../../../shared/constants.ts';
import { clip, parseDecimal, parseScale } from './cell-values.ts';
import { readPointCells, type ImportPoint, type ImportSrid } from './coordinates.ts';
import { DEFAULT_CSV_LIMITS, openCsvTable, type CsvLimits } from './csv-reader.ts';
import { propertyLookup, readFeatureCollection } from './geojson-file.ts';
import { ImportFileError, type RowError } from './import-errors.ts';
import { detectFormat, readFeaturePoint, type ImportFormat } from './incident-file.ts';

/** Respondent genders (SPEC §4.3). */
export const SURVEY_GENDERS = ['kvinna', 'man', 'annat', 'uppgift_saknas'] as const;
/** One of {@link SURVEY_GENDERS}. */
export type SurveyGender = (typeof SURVEY_GENDERS)[number];

/** Adult age groups (SPEC §4.3); school surveys use `barn_<age>` (e.g. `barn_12`) or `barn_<from>-<to>`. */
export const SURVEY_AGE_GROUPS = ['16-19', '20-34', '35-49', '50-64', '65-79', '80+'] as const;

/** Problem items `problem_<code>` (1 inget problem … 4 stort problem). */
export const SURVEY_PROBLEM_CODES = ['nedskrapning', 'klotter', 'narkotika', 'brak_berusade', 'buskorning', 'dalig_belysning', 'ungdomsgang'] as const;

/** Scale of each standard question: `otrygg_kvall` 1–5 (5 = går aldrig ut), `oro_brott` 1–4, problems 1–4; `avstar_aktivitet` is ja/nej. */
export const SURVEY_SCALES: Record<string, [number, number]> = {
  otrygg_kvall: [1, 5],
  oro_brott: [1, 4],
  ...Object.fromEntries(SURVEY_PROBLEM_CODES.map((code) => [`problem_${code}`, [1, 4] as [number, number]])),
};

// Reasons and times of day of a mark (SPEC §4.3) are shared with the client.
export { MARK_REASONS, MARK_TIMES_OF_DAY };
/** Longest mark comment kept, in characters. */
export const MAX_MARK_COMMENT = 2000;

/** Header aliases for the responses CSV (lower case). */
export const RESPONSE_COLUMN_ALIASES: Record<string, readonly string[]> = {
  response_id: ['response_id', 'svar_id', 'svarsid', 'id'],
  district: ['district', 'område', 'omrade', 'stadsdel', 'district_id'],
  n: ['n', 'northing', 'x'],
  e: ['e', 'easting', 'y'],
  lat: ['lat', 'latitude', 'latitud'],
  lon: ['lon', 'lng', 'longitude', 'longitud'],
  gender: ['gender', 'kön', 'kon'],
  age_group: ['age_group', 'åldersgrupp', 'aldersgrupp', 'ålder', 'alder'],
  weight: ['weight', 'vikt'],
};

/** A checked survey response. `answers` holds the standard questions and every valid `problem_<code>` item; missing answers are absent. */
export interface ParsedSurveyResponse {
  row: number;
  response_id: string;
  /** District name or id as written; linked in the database. */
  district: string | null;
  point: ImportPoint | null;
  gender: SurveyGender;
  age_group: string | null;
  weight: number | null;
  answers: Record<string, number | boolean>;
}

/** A checked unsafe-place mark. */
export interface ParsedSurveyMark {
  row: number;
  mark_id: string;
  response_id: string | null;
  point: ImportPoint;
  reasons: string[];
  time_of_day: string | null;
  comment: string | null;
}

const GENDER_ALIASES: Record<string, SurveyGender> = {
  kvinna: 'kvinna', k: 'kvinna', kvinnor: 'kvinna', flicka: 'kvinna', tjej: 'kvinna', female: 'kvinna', woman: 'kvinna', f: 'kvinna',
  man: 'man', m: 'man', män: 'man', pojke: 'man', kille: 'man', male: 'man',
  annat: 'annat', annan: 'annat', other: 'annat', 'icke-binär': 'annat',
  uppgift_saknas: 'uppgift_saknas', 'uppgift saknas': 'uppgift_saknas', vill_ej_uppge: 'uppgift_saknas', '': 'uppgift_saknas',
};

/** Reads a gender cell (also k/m and common words); empty is `uppgift_saknas`. */
export function parseGender(text: string): SurveyGender | undefined {
  return GENDER_ALIASES[text.trim().toLowerCase()];
}

/** Reads an age group cell: a standard group, `barn_<age>` or `barn_<from>-<to>`; empty is null. */
export function parseAgeGroup(text: string): { ok: true; value: string | null } | { ok: false } {
  const value = text.trim().toLowerCase().replace(/[–—]/g, '-').replace(/\s+/g, '');
  if (value === '') return { ok: true, value: null };
  if ((SURVEY_AGE_GROUPS as readonly string[]).includes(value)) return { ok: true, value };
  if (/^barn_\d{1,2}(-\d{1,2})?$/.test(value)) return { ok: true, value };
  return { ok: false };
}

/** Reads ja/nej (also 1/0, j/n, yes/no); empty is undefined (missing answer). */
export function parseYesNo(text: string): boolean | undefined | 'invalid' {
  const value = text.trim().toLowerCase();
  if (value === '') return undefined;
  if (['ja', 'j', '1', 'yes', 'y', 'true'].includes(value)) return true;
  if (['nej', 'n', '0', 'no', 'false'].includes(value)) return false;
  return 'invalid';
}

/** Checks one response row; `get` reads a canonical column or an answer column by its lower-case header name. */
export function parseSurveyResponseRow(
  row: number,
  get: (column: string) => string | undefined,
  answerColumns: readonly string[],
  neSrid: ImportSrid = 3006,
): { ok: true; response: ParsedSurveyResponse } | { ok: false; errors: RowError[] } {
  const errors: RowError[] = [];
  const text = (column: string) => get(column)?.trim() ?? '';
  const responseId = text('response_id');
  if (!responseId) errors.push({ row, field: 'response_id', message: 'response_id saknas' });
  else if (responseId.length > 100) errors.push({ row, field: 'response_id', message: 'response_id är längre än 100 tecken' });

  const gender = parseGender(text('gender'));
  if (!gender) errors.push({ row, field: 'gender', message: `gender: okänt kön "${clip(text('gender'))}"; tillåtna är ${SURVEY_GENDERS.join(', ')}` });
  const age = parseAgeGroup(text('age_group'));
  if (!age.ok) errors.push({ row, field: 'age_group', message: `age_group: okänd åldersgrupp "${clip(text('age_group'))}"; tillåtna är ${SURVEY_AGE_GROUPS.join(', ')} eller barn_<ålder>` });

  let weight: number | null = null;
  if (text('weight') !== '') {
    const parsed = parseDecimal(text('weight'));
    if (!parsed.ok) errors.push({ row, field: 'weight', message: `weight: ${parsed.message}` });
    else if (parsed.value <= 0 || parsed.value > 10_000) errors.push({ row, field: 'weight', message: 'weight måste vara större än 0 (och högst 10 000)' });
    else weight = parsed.value;
  }

  const district = text('district');
  const point = readPointCells(row, { n: get('n'), e: get('e'), lat: get('lat'), lon: get('lon') }, neSrid);
  errors.push(...point.errors);

  const answers: Record<string, number | boolean> = {};
  for (const column of answerColumns) {
    const value = text(column);
    if (value === '') continue;
    if (column === 'avstar_aktivitet') {
      const yesNo = parseYesNo(value);
      if (yesNo === 'invalid') errors.push({ row, field: column, message: `${column}: "${clip(value)}" ska vara ja eller nej` });
      else if (yesNo !== undefined) answers[column] = yesNo;
      continue;
    }
    const [min, max] = SURVEY_SCALES[column] ?? [1, 4];
    const parsed = parseScale(value, min, max);
    if (!parsed.ok) errors.push({ row, field: column, message: `${column}: ${parsed.message}` });
    else answers[column] = parsed.value;
  }

  if (errors.length > 0 || !gender || !age.ok) return { ok: false, errors };
  return {
    ok: true,
    response: { row, response_id: responseId, district: district || null, point: point.point, gender, age_group: age.value, weight, answers },
  };
}

/** Answer columns in a responses header: the standard questions and every `problem_<code>` column. */
export function answerColumnsOf(header: readonly string[]): string[] {
  return header.filter((name) => name === 'otrygg_kvall' || name === 'avstar_aktivitet' || name === 'oro_brott' || /^problem_[a-z0-9_åäö]+$/.test(name));
}

/** Reads a responses CSV and yields one result per data row, rejecting a response_id seen earlier in the file. */
export async function* readSurveyResponses(
  bytes: AsyncIterable<Uint8Array>,
  options: { crs?: ImportSrid; csvLimits?: CsvLimits } = {},
): AsyncGenerator<{ ok: true; response: ParsedSurveyResponse } | { ok: false; errors: RowError[] }> {
  const table = await openCsvTable(bytes, options.csvLimits ?? DEFAULT_CSV_LIMITS);
  const index = columnIndex(table.header, RESPONSE_COLUMN_ALIASES);
  if (!index.has('response_id')) throw new ImportFileError('MISSING_COLUMNS', `Obligatorisk kolumn saknas: response_id. Hittade: ${table.header.filter(Boolean).join(', ')}.`, 0, 'response_id');
  const answerColumns = answerColumnsOf(table.header);
  if (answerColumns.length === 0) {
    throw new ImportFileError('MISSING_COLUMNS', 'Filen har inga svarskolumner (otrygg_kvall, avstar_aktivitet, oro_brott eller problem_<kod>).', 0, 'otrygg_kvall');
  }
  for (const column of answerColumns) {
    if (column.startsWith('problem_') && !(SURVEY_PROBLEM_CODES as readonly string[]).includes(column.slice(8))) {
      throw new ImportFileError(
        'UNKNOWN_COLUMN',
        `Okänd problemfråga "${column}"; kända är ${SURVEY_PROBLEM_CODES.map((c) => `problem_${c}`).join(', ')}.`,
        0,
        column,
      );
    }
  }
  const seen = new Map<string, number>();
  for await (const record of table.records) {
    const get = (column: string) => {
      const i = index.get(column) ?? table.header.indexOf(column);
      return i === undefined || i < 0 ? undefined : (record.fields[i] ?? '');
    };
    const result = parseSurveyResponseRow(record.row, get, answerColumns, options.crs ?? 3006);
    if (result.ok) {
      const first = seen.get(result.response.response_id);
      if (first !== undefined) {
        yield { ok: false, errors: [{ row: record.row, field: 'response_id', message: `response_id "${clip(result.response.response_id)}" finns redan på rad ${first}` }] };
        continue;
      }
      seen.set(result.response.response_id, record.row);
    }
    yield result;
  }
}

/** Checks one mark (a CSV row or a GeoJSON feature's properties with its point). */
export function parseSurveyMarkRow(
  row: number,
  get: (column: string) => string | undefined,
  point: ImportPoint | null,
  pointErrors: RowError[],
): { ok: true; mark: ParsedSurveyMark } | { ok: false; errors: RowError[] } {
  const errors: RowError[] = [...pointErrors];
  const text = (column: string) => get(column)?.trim() ?? '';
  const markId = text('mark_id');
  if (!markId) errors.push({ row, field: 'mark_id', message: 'mark_id saknas' });
  else if (markId.length > 100) errors.push({ row, field: 'mark_id', message: 'mark_id är längre än 100 tecken' });
  if (!point && pointErrors.length === 0) errors.push({ row, field: 'geometry', message: 'markeringen saknar plats (n/e, lat/lon eller en punkt)' });

  const reasons: string[] = [];
  for (const raw of text('reasons').split('|')) {
    const reason = raw.trim().toLowerCase().replace('ö', 'o');
    if (reason === '') continue;
    if (!(MARK_REASONS as readonly string[]).includes(reason)) {
      errors.push({ row, field: 'reasons', message: `reasons: okänt skäl "${clip(raw.trim())}"; tillåtna är ${MARK_REASONS.join(', ')} (skilj dem med |)` });
    } else if (!reasons.includes(reason)) reasons.push(reason);
  }
  let timeOfDay: string | null = null;
  const time = text('time_of_day').toLowerCase().replace('ä', 'a');
  if (time !== '') {
    if (!(MARK_TIMES_OF_DAY as readonly string[]).includes(time)) errors.push({ row, field: 'time_of_day', message: `time_of_day: "${clip(time)}" ska vara dag, kvall eller natt` });
    else timeOfDay = time;
  }
  const comment = text('comment');
  if (comment.length > MAX_MARK_COMMENT) errors.push({ row, field: 'comment', message: `comment är längre än ${MAX_MARK_COMMENT} tecken` });
  if (errors.length > 0 || !point) return { ok: false, errors };
  return { ok: true, mark: { row, mark_id: markId, response_id: text('response_id') || null, point, reasons, time_of_day: timeOfDay, comment: comment || null } };
}

const MARK_COLUMN_ALIASES: Record<string, readonly string[]> = {
  mark_id: ['mark_id', 'markering_id', 'id'],
  response_id: ['response_id', 'svar_id'],
  n: ['n', 'northing', 'x'],
  e: ['e', 'easting', 'y'],
  lat: ['lat', 'latitude', 'latitud'],
  lon: ['lon', 'lng', 'longitude', 'longitud'],
  reasons: ['reasons', 'skäl', 'skal', 'orsaker'],
  time_of_day: ['time_of_day', 'tid_pa_dygnet', 'tid_på_dygnet'],
  comment: ['comment', 'kommentar'],
};

/** Reads a marks file (CSV or GeoJSON Points) and yields one result per row or feature, rejecting repeated mark ids. */
export async function* readSurveyMarks(
  bytes: AsyncIterable<Uint8Array>,
  options: { format?: ImportFormat; fileName?: string; crs?: ImportSrid; csvLimits?: CsvLimits } = {},
): AsyncGenerator<{ ok: true; mark: ParsedSurveyMark } | { ok: false; errors: RowError[] }> {
  const { format, stream } = await detectFormat(bytes, options.format, options.fileName);
  const seen = new Map<string, number>();
  const dedupe = (result: { ok: true; mark: ParsedSurveyMark } | { ok: false; errors: RowError[] }) => {
    if (!result.ok) return result;
    const first = seen.get(result.mark.mark_id);
    if (first !== undefined) {
      return { ok: false as const, errors: [{ row: result.mark.row, field: 'mark_id', message: `mark_id "${clip(result.mark.mark_id)}" finns redan på rad ${first}` }] };
    }
    seen.set(result.mark.mark_id, result.mark.row);
    return result;
  };
  if (format === 'geojson') {
    const collection = await readFeatureCollection(stream, { fallbackSrid: options.crs });
    for (let i = 0; i < collection.features.length; i++) {
      const feature = collection.features[i];
      const lookup = propertyLookup(feature?.properties);
      const get = (column: string) => {
        const value = lookup(MARK_COLUMN_ALIASES[column] ?? [column]);
        if (value === undefined && column === 'mark_id' && feature?.id !== undefined) return String(feature.id);
        return value;
      };
      const geometry = readFeaturePoint(i + 1, feature, collection.srid);
      yield dedupe(parseSurveyMarkRow(i + 1, get, geometry.point, geometry.errors));
    }
    return;
  }
  const table = await openCsvTable(stream, options.csvLimits ?? DEFAULT_CSV_LIMITS);
  const index = columnIndex(table.header, MARK_COLUMN_ALIASES);
  if (!index.has('mark_id')) throw new ImportFileError('MISSING_COLUMNS', `Obligatorisk kolumn saknas: mark_id. Hittade: ${table.header.filter(Boolean).join(', ')}.`, 0, 'mark_id');
  for await (const record of table.records) {
    const get = (column: string) => {
      const i = index.get(column);
      return i === undefined ? undefined : (record.fields[i] ?? '');
    };
    const point = readPointCells(record.row, { n: get('n'), e: get('e'), lat: get('lat'), lon: get('lon') }, options.crs ?? 3006);
    yield dedupe(parseSurveyMarkRow(record.row, get, point.point, point.errors));
  }
}

/** Maps canonical column names to header positions through their aliases; the first alias present wins. */
function columnIndex(header: readonly string[], aliases: Record<string, readonly string[]>): Map<string, number> {
  const index = new Map<string, number>();
  for (const [column, names] of Object.entries(aliases)) {
    for (const name of names) {
      const i = header.indexOf(name);
      if (i >= 0) {
        index.set(column, i);
        break;
      }
    }
  }
  return index;
}
