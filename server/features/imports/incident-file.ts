import type { ImportPoint, ImportSrid } from './coordinates.ts';
import { openCsvTable, DEFAULT_CSV_LIMITS, type CsvLimits } from './csv-reader.ts';
import { propertyLookup, readFeatureCollection, type RawFeature } from './geojson-file.ts';
import type { RowError } from './import-errors.ts';
import {
  cellsOfRecord,
  INCIDENT_COLUMN_ALIASES,
  parseIncidentRow,
  repeatedIdError,
  resolveIncidentColumns,
  SeenIncidentIds,
  type IncidentField,
  type IncidentRowContext,
  type IncidentRowResult,
} from './incident-rows.ts';

/** File formats an import reads. */
export type ImportFormat = 'csv' | 'geojson';

/** Options for reading an incident file. */
export interface IncidentFileOptions extends IncidentRowContext {
  /** Taken from the file name when not given; else sniffed (`{` first means GeoJSON). */
  format?: ImportFormat;
  fileName?: string;
  /** `--crs`: the CRS of a GeoJSON file that declares none, and of CSV `n`/`e` columns. */
  crs?: ImportSrid;
  csvLimits?: CsvLimits;
}

/**
 * Reads an incident file (CSV or GeoJSON) and yields one result per data row or feature, in file order,
 * with the (source, id) repeat check applied. File-level problems (encoding, missing columns, not a
 * FeatureCollection) are thrown as `ImportFileError`; row problems are yielded as results.
 */
export async function* readIncidentFile(bytes: AsyncIterable<Uint8Array>, options: IncidentFileOptions): AsyncGenerator<IncidentRowResult> {
  const { format, stream } = await detectFormat(bytes, options.format, options.fileName);
  const seen = new SeenIncidentIds();
  const rows = format === 'geojson' ? readIncidentFeatures(stream, options) : readIncidentCsv(stream, options);
  for await (const result of rows) {
    if (result.ok) {
      const first = seen.check(result.incident.source, result.incident.source_id, result.incident.row);
      if (first !== undefined) {
        yield { ok: false, errors: [repeatedIdError(result.incident.row, result.incident.source_id, first)] };
        continue;
      }
    }
    yield result;
  }
}

/** Decides CSV or GeoJSON from the name, else from the first non-blank byte, without consuming the stream. */
export async function detectFormat(
  bytes: AsyncIterable<Uint8Array>,
  format?: ImportFormat,
  fileName?: string,
): Promise<{ format: ImportFormat; stream: AsyncIterable<Uint8Array> }> {
  if (format) return { format, stream: bytes };
  if (fileName && /\.(geo)?json$/i.test(fileName)) return { format: 'geojson', stream: bytes };
  if (fileName && /\.(csv|txt|tsv)$/i.test(fileName)) return { format: 'csv', stream: bytes };
  const iterator = bytes[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head = first.done ? new Uint8Array() : first.value;
  let detected: ImportFormat = 'csv';
  for (let i = 0; i < head.length; i++) {
    const b = head[i];
    if (b === 0xef || b === 0xbb || b === 0xbf || b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    if (b === 0x7b) detected = 'geojson';
    break;
  }
  async function* replay(): AsyncGenerator<Uint8Array> {
    if (!first.done) yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { format: detected, stream: replay() };
}

async function* readIncidentCsv(bytes: AsyncIterable<Uint8Array>, options: IncidentFileOptions): AsyncGenerator<IncidentRowResult> {
  const table = await openCsvTable(bytes, options.csvLimits ?? DEFAULT_CSV_LIMITS);
  const columns = resolveIncidentColumns(table.header, options);
  const context = { ...options, neSrid: options.crs ?? 3006 };
  for await (const record of table.records) {
    const cells = cellsOfRecord(record.row, record.fields, table.header, columns);
    yield parseIncidentRow(record.row, cells.get, context, null, cells.errors);
  }
}

async function* readIncidentFeatures(bytes: AsyncIterable<Uint8Array>, options: IncidentFileOptions): AsyncGenerator<IncidentRowResult> {
  const collection = await readFeatureCollection(bytes, { fallbackSrid: options.crs });
  const context = { ...options, neSrid: collection.srid };
  for (let index = 0; index < collection.features.length; index++) {
    const row = index + 1;
    const feature = collection.features[index];
    const lookup = propertyLookup(feature?.properties);
    const get = (field: IncidentField) => {
      const value = lookup(INCIDENT_COLUMN_ALIASES[field]);
      if (value === undefined && field === 'id' && feature?.id !== undefined) return String(feature.id);
      return value;
    };
    const geometry = readFeaturePoint(row, feature, collection.srid);
    if (geometry.errors.length) {
      yield { ok: false, errors: geometry.errors };
      continue;
    }
    yield parseIncidentRow(row, get, context, geometry.point);
  }
}

/** A feature's Point geometry (null geometry = unlocated), or errors naming the feature. */
export function readFeaturePoint(row: number, feature: RawFeature | undefined, srid: ImportSrid): { point: ImportPoint | null; errors: RowError[] } {
  if (!feature || typeof feature !== 'object' || feature.type !== 'Feature') {
    return { point: null, errors: [{ row, field: 'geometry', message: `objekt ${row} är ingen GeoJSON Feature` }] };
  }
  const geometry = feature.geometry;
  if (geometry === null || geometry === undefined) return { point: null, errors: [] };
  if (geometry.type !== 'Point') {
    return { point: null, errors: [{ row, field: 'geometry', message: `geometry: objekt ${row} är en ${String(geometry.type)}, men här krävs en punkt (Point)` }] };
  }
  const c = geometry.coordinates;
  if (!Array.isArray(c) || c.length < 2 || typeof c[0] !== 'number' || typeof c[1] !== 'number' || !Number.isFinite(c[0]) || !Number.isFinite(c[1])) {
    return { point: null, errors: [{ row, field: 'geometry', message: `geometry: objekt ${row} har ogiltiga koordinater` }] };
  }
  return { point: { x: c[0], y: c[1], srid }, errors: [] };
}
