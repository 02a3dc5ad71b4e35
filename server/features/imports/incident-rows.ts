import { hash } from 'node:crypto';
import { clip, parseDateAndTime, parseIncidentTime, type CellResult, type ParsedInstant } from './cell-values.ts';
import { parseIncidentSource, type CategoryResolver, type IncidentSource } from './category-resolver.ts';
import { checkPointRange, readPointCells, type ImportPoint, type ImportSrid } from './coordinates.ts';
import { ImportFileError, type RowError } from './import-errors.ts';

/** Canonical incident columns (SPEC §4.2) with the header names accepted for each, lower case. */
export const INCIDENT_COLUMN_ALIASES = {
  id: ['id', 'ärendenummer', 'arendenummer', 'diarienummer'],
  category: ['category', 'kategori'],
  occurred_at: ['occurred_at', 'tidpunkt'],
  occurred_until: ['occurred_until', 'tidpunkt_till'],
  datum: ['datum', 'date'],
  tid: ['tid', 'time', 'klockslag'],
  n: ['n', 'northing', 'x', 'nordlig'],
  e: ['e', 'easting', 'y', 'ostlig', 'östlig'],
  lat: ['lat', 'latitude', 'latitud'],
  lon: ['lon', 'lng', 'long', 'longitude', 'longitud'],
  source: ['source', 'källa', 'kalla'],
  place: ['place', 'plats', 'adress'],
  description: ['description', 'beskrivning'],
} as const;

/** A canonical incident column name. */
export type IncidentField = keyof typeof INCIDENT_COLUMN_ALIASES;

/** Longest accepted text per column, in characters; longer cells reject the row rather than being cut silently. */
export const INCIDENT_TEXT_LIMITS = { id: 100, category: 100, place: 500, description: 4000 } as const;

/** An incident row that passed every check that needs no database. Times are ISO 8601 UTC. */
export interface ParsedIncident {
  row: number;
  source_id: string;
  source: IncidentSource;
  category: string;
  /** The cell as written when it was translated through the municipality's mapping, else null. */
  source_category: string | null;
  occurred_at: string;
  occurred_until: string | null;
  point: ImportPoint | null;
  /** The column the point came from (`n`, `lat` or `geometry`), for location errors found later. */
  point_field: 'n' | 'lat' | 'geometry' | null;
  place: string | null;
  description: string | null;
  /** Hash of everything above except `row` and `point_field`: equal hashes mean an unchanged re-import. */
  content_hash: string;
}

/** The outcome for one row. */
export type IncidentRowResult = { ok: true; incident: ParsedIncident } | { ok: false; errors: RowError[] };

/** What the rows of one file are checked against. */
export interface IncidentRowContext {
  categories: CategoryResolver;
  /** The CLI `--source`, used where a row has no `source` cell. */
  defaultSource?: IncidentSource;
  /** CRS of `n`/`e` columns (`--crs`); 3006 unless told otherwise. */
  neSrid?: ImportSrid;
  /** "Now" for the not-in-the-future check, ms since epoch. */
  nowMs: number;
}

/** Reads a header: maps each canonical column to its index; throws a file error when required ones are missing or doubled. */
export function resolveIncidentColumns(header: readonly string[], context: Pick<IncidentRowContext, 'defaultSource'>): Map<IncidentField, number> {
  const columns = new Map<IncidentField, number>();
  for (const [field, aliases] of Object.entries(INCIDENT_COLUMN_ALIASES) as [IncidentField, readonly string[]][]) {
    const found = aliases.filter((alias) => header.includes(alias));
    if (found.length > 1) {
      throw new ImportFileError('DUPLICATE_COLUMN', `Kolumnerna ${found.map((f) => `"${f}"`).join(' och ')} betyder samma sak; behåll en av dem.`, 0, field);
    }
    if (found.length === 1) columns.set(field, header.indexOf(found[0]));
  }
  const missing: string[] = [];
  if (!columns.has('id')) missing.push('id (eller ärendenummer/diarienummer)');
  if (!columns.has('category')) missing.push('category (eller kategori)');
  if (!columns.has('occurred_at') && !columns.has('datum')) missing.push('occurred_at (eller tidpunkt, eller datum + tid)');
  if (missing.length) {
    const oneColumn = header.length === 1 && /[|:]/.test(header[0]);
    const hint =
      header.length === 1
        ? ` Rubrikraden gick inte att dela upp i kolumner${oneColumn ? ' (avgränsaren verkar vara något annat än komma, semikolon eller tabb)' : ''}; använd komma, semikolon eller tabb mellan kolumnerna.`
        : ` Hittade kolumnerna: ${header.filter(Boolean).join(', ')}.`;
    throw new ImportFileError('MISSING_COLUMNS', `Obligatoriska kolumner saknas: ${missing.join(', ')}.${hint}`, 0, missing[0].split(' ')[0]);
  }
  if (columns.has('occurred_at') && columns.has('datum')) {
    throw new ImportFileError('DUPLICATE_COLUMN', 'Filen har både tidpunkt (occurred_at) och datum; använd det ena eller det andra.', 0, 'occurred_at');
  }
  for (const [a, b] of [['n', 'e'], ['lat', 'lon']] as const) {
    if (columns.has(a) !== columns.has(b)) {
      throw new ImportFileError('MISSING_COLUMNS', `Kolumnen ${columns.has(a) ? a : b} finns men inte ${columns.has(a) ? b : a}; koordinater behöver båda.`, 0, columns.has(a) ? b : a);
    }
  }
  if (!columns.has('source') && !context.defaultSource) {
    throw new ImportFileError('MISSING_SOURCE', 'Filen har ingen kolumn source (källa); ange källan med --source (police, municipality, housing, security, transport eller public).', 0, 'source');
  }
  return columns;
}

/** Turns a CSV record into a cell getter by canonical column, with the row-shape checks (column count). */
export function cellsOfRecord(
  row: number,
  fields: readonly string[],
  header: readonly string[],
  columns: ReadonlyMap<IncidentField, number>,
): { get: (field: IncidentField) => string | undefined; errors: RowError[] } {
  const errors: RowError[] = [];
  if (fields.length > header.length && fields.slice(header.length).some((f) => f.trim() !== '')) {
    errors.push({ row, field: '', message: `Raden har ${fields.length} kolumner men rubrikraden ${header.length}; kontrollera avgränsare och citattecken.` });
  } else if (fields.length === 1 && header.length > 2) {
    errors.push({ row, field: '', message: `Raden har bara en kolumn men rubrikraden ${header.length}; kontrollera avgränsaren (komma, semikolon eller tabb).` });
  }
  return {
    get: (field) => {
      const index = columns.get(field);
      if (index === undefined) return undefined;
      return fields[index] ?? '';
    },
    errors,
  };
}

/**
 * Checks one incident row (CSV record or GeoJSON feature) against SPEC §4.2: required cells, date
 * rules (Stockholm local time, 1950 ≤ date ≤ import day, until ≥ at), category via code, name or the
 * municipality's mapping, source, coordinates and text limits. `geometryPoint` is a GeoJSON feature's
 * point, used when the row has no coordinate cells. Every problem in the row is reported.
 */
export function parseIncidentRow(
  row: number,
  get: (field: IncidentField) => string | undefined,
  context: IncidentRowContext,
  geometryPoint: ImportPoint | null = null,
  shapeErrors: RowError[] = [],
): IncidentRowResult {
  const errors: RowError[] = [...shapeErrors];
  const text = (field: IncidentField) => get(field)?.trim() ?? '';

  const sourceId = text('id');
  if (sourceId === '') errors.push({ row, field: 'id', message: 'id (ärendenummer) saknas' });
  else if (sourceId.length > INCIDENT_TEXT_LIMITS.id) errors.push({ row, field: 'id', message: `id är längre än ${INCIDENT_TEXT_LIMITS.id} tecken` });

  let source: IncidentSource | undefined = context.defaultSource;
  const sourceCell = text('source');
  if (sourceCell !== '') {
    source = parseIncidentSource(sourceCell);
    if (!source) errors.push({ row, field: 'source', message: `source: okänd källa "${clip(sourceCell)}"; tillåtna är police, municipality, housing, security, transport, public` });
  } else if (!source) {
    errors.push({ row, field: 'source', message: 'source (källa) saknas och ingen --source är angiven' });
  }

  const categoryCell = text('category');
  let category: string | undefined;
  if (categoryCell === '') errors.push({ row, field: 'category', message: 'category (kategori) saknas' });
  else if (categoryCell.length > INCIDENT_TEXT_LIMITS.category) errors.push({ row, field: 'category', message: `category är längre än ${INCIDENT_TEXT_LIMITS.category} tecken` });
  else if (source) {
    category = context.categories.resolve(categoryCell, source);
    if (!category) {
      errors.push({
        row,
        field: 'category',
        message: `category: okänd kategori "${clip(categoryCell)}"; använd en kategorikod (t.ex. misshandel, stold, skadegorelse) eller lägg in koden i kommunens kategoriöversättning`,
      });
    }
  }

  let occurredAt: ParsedInstant | undefined;
  const atResult: CellResult<ParsedInstant> =
    get('occurred_at') !== undefined ? parseIncidentTime(text('occurred_at'), context.nowMs) : parseDateAndTime(text('datum'), text('tid'), context.nowMs);
  const atField = get('occurred_at') !== undefined ? 'occurred_at' : 'datum';
  if (atResult.ok) occurredAt = atResult.value;
  else errors.push({ row, field: atField, message: `${atField}: ${atResult.message}` });

  let occurredUntil: ParsedInstant | null = null;
  const untilCell = text('occurred_until');
  if (untilCell !== '') {
    const until = parseIncidentTime(untilCell, context.nowMs);
    if (!until.ok) errors.push({ row, field: 'occurred_until', message: `occurred_until: ${until.message}` });
    else if (occurredAt && until.value.utcMs < occurredAt.utcMs) {
      errors.push({ row, field: 'occurred_until', message: 'occurred_until ligger före occurred_at' });
    } else occurredUntil = until.value;
  }

  const read = readPointCells(row, { n: get('n'), e: get('e'), lat: get('lat'), lon: get('lon') }, context.neSrid ?? 3006);
  errors.push(...read.errors);
  let point = read.point;
  let pointField: ParsedIncident['point_field'] = point ? (get('n') !== undefined && get('n')!.trim() !== '' ? 'n' : 'lat') : null;
  if (!point && read.errors.length === 0 && geometryPoint) {
    const rangeErrors = checkPointRange(row, geometryPoint, 'geometry', 'geometry');
    errors.push(...rangeErrors);
    if (rangeErrors.length === 0) {
      point = geometryPoint;
      pointField = 'geometry';
    }
  }

  const place = text('place');
  if (place.length > INCIDENT_TEXT_LIMITS.place) errors.push({ row, field: 'place', message: `place (plats) är längre än ${INCIDENT_TEXT_LIMITS.place} tecken` });
  const description = get('description')?.trim() ?? '';
  if (description.length > INCIDENT_TEXT_LIMITS.description) {
    errors.push({ row, field: 'description', message: `description (beskrivning) är längre än ${INCIDENT_TEXT_LIMITS.description} tecken` });
  }

  if (errors.length > 0 || !source || !category || !occurredAt) return { ok: false, errors };
  const incident: Omit<ParsedIncident, 'content_hash'> = {
    row,
    source_id: sourceId,
    source,
    category,
    source_category: category.toLowerCase() === categoryCell.toLowerCase() ? null : categoryCell,
    occurred_at: new Date(occurredAt.utcMs).toISOString(),
    occurred_until: occurredUntil ? new Date(occurredUntil.utcMs).toISOString() : null,
    point,
    point_field: pointField,
    place: place || null,
    description: description || null,
  };
  return { ok: true, incident: { ...incident, content_hash: incidentContentHash(incident) } };
}

/**
 * A stable hash of an incident's content (everything but the row number), hex: two imports of the
 * same row give the same hash, any change to category, times, location or text a different one.
 */
export function incidentContentHash(incident: Omit<ParsedIncident, 'content_hash' | 'row' | 'point_field'> & { row?: number }): string {
  const p = incident.point;
  const canonical = JSON.stringify([
    incident.source,
    incident.source_id,
    incident.category,
    incident.source_category,
    incident.occurred_at,
    incident.occurred_until,
    p ? [p.srid, p.x, p.y] : null,
    incident.place,
    incident.description,
  ]);
  return hash('sha256', canonical, 'hex').slice(0, 32);
}

/**
 * Remembers (source, id) pairs seen earlier in the same file so a repeated id rejects the later row.
 * Holds one string per row: about 100 bytes each, so a two-million-row file needs ~200 MB.
 */
export class SeenIncidentIds {
  private readonly firstRow = new Map<string, number>();

  /** Returns the row that first used this id, or records it and returns undefined. */
  check(source: IncidentSource, id: string, row: number): number | undefined {
    const key = `${source}\u0000${id}`;
    const first = this.firstRow.get(key);
    if (first !== undefined) return first;
    this.firstRow.set(key, row);
    return undefined;
  }
}

/** The rejection for a repeated id. */
export function repeatedIdError(row: number, id: string, firstRow: number): RowError {
  return { row, field: 'id', message: `id "${clip(id)}" finns redan på rad ${firstRow} i samma fil` };
}
