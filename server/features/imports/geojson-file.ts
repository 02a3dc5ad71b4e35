import { IMPORT_CRS_LIST, parseCrsName, type ImportSrid } from './coordinates.ts';
import { ImportFileError } from './import-errors.ts';
import { decodeTextStream } from './text-decoding.ts';

/**
 * Largest GeoJSON file an import reads, in bytes (64 MiB). GeoJSON is parsed whole; a parsed
 * file takes several times its size in memory, so this keeps an import well under the 500 MB budget.
 * Larger incident sets belong in CSV, which is streamed.
 */
export const MAX_GEOJSON_BYTES = 64 * 1024 * 1024;

/** A GeoJSON Feature as read from a file, unchecked. */
export interface RawFeature {
  type?: unknown;
  id?: unknown;
  geometry?: { type?: unknown; coordinates?: unknown } | null;
  properties?: Record<string, unknown> | null;
}

/** A parsed FeatureCollection with the CRS its coordinates are in. */
export interface FeatureCollectionFile {
  features: RawFeature[];
  srid: ImportSrid;
  /** True when the file itself declared the CRS (legacy `crs` member). */
  declaredCrs: boolean;
}

/**
 * Reads a GeoJSON FeatureCollection of at most `maxBytes`. The CRS is the file's legacy `crs` member
 * (`EPSG:3006`, `urn:ogc:def:crs:EPSG::3006`, …) when present, else `fallbackSrid` (the `--crs` flag),
 * else WGS84 as RFC 7946 says. A file without a declaration whose coordinates are clearly metres is
 * rejected with a hint instead of being read as degrees.
 */
export async function readFeatureCollection(
  bytes: AsyncIterable<Uint8Array>,
  options: { fallbackSrid?: ImportSrid; maxBytes?: number } = {},
): Promise<FeatureCollectionFile> {
  const maxBytes = options.maxBytes ?? MAX_GEOJSON_BYTES;
  let size = 0;
  async function* limited(): AsyncGenerator<Uint8Array> {
    for await (const chunk of bytes) {
      size += chunk.length;
      if (size > maxBytes) {
        throw new ImportFileError(
          'FILE_TOO_LARGE',
          `GeoJSON-filen är större än ${Math.round(maxBytes / 1024 / 1024)} MB, som är gränsen för GeoJSON. Dela upp den, eller använd CSV som läses utan storleksgräns.`,
        );
      }
      yield chunk;
    }
  }
  const parts: string[] = [];
  for await (const text of decodeTextStream(limited())) parts.push(text);
  const text = parts.join('');
  if (text.trim() === '') throw new ImportFileError('EMPTY_FILE', 'Filen är tom.');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ImportFileError('INVALID_JSON', `Filen är ingen giltig JSON/GeoJSON (${(error as Error).message}).`);
  }
  if (!json || typeof json !== 'object' || (json as { type?: unknown }).type !== 'FeatureCollection' || !Array.isArray((json as { features?: unknown }).features)) {
    throw new ImportFileError('NOT_FEATURE_COLLECTION', 'GeoJSON-filen måste vara en FeatureCollection med en lista "features".');
  }
  const collection = json as { features: RawFeature[]; crs?: { properties?: { name?: unknown } } };
  let srid: ImportSrid = options.fallbackSrid ?? 4326;
  let declaredCrs = false;
  const crsName = collection.crs?.properties?.name;
  if (crsName !== undefined) {
    const parsed = typeof crsName === 'string' ? parseCrsName(crsName) : undefined;
    if (!parsed) throw new ImportFileError('UNSUPPORTED_CRS', `Koordinatsystemet "${String(crsName)}" stöds inte; använd ${IMPORT_CRS_LIST}.`);
    srid = parsed;
    declaredCrs = true;
  }
  if (srid === 4326 && !declaredCrs && options.fallbackSrid === undefined) {
    const first = firstCoordinate(collection.features);
    if (first && (Math.abs(first[0]) > 180 || Math.abs(first[1]) > 90)) {
      throw new ImportFileError(
        'CRS_MISMATCH',
        `Koordinaterna ser ut att vara i meter (t.ex. ${first[0]}, ${first[1]}), troligen SWEREF 99 TM, men filen anger inget koordinatsystem. Ange --crs EPSG:3006 eller lägg till "crs" i filen.`,
      );
    }
  }
  return { features: collection.features, srid, declaredCrs };
}

function firstCoordinate(features: RawFeature[]): [number, number] | undefined {
  for (const feature of features.slice(0, 100)) {
    let c: unknown = feature?.geometry?.coordinates;
    while (Array.isArray(c) && Array.isArray(c[0])) c = c[0];
    if (Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number') return [c[0], c[1]];
  }
  return undefined;
}

/** A property value as the text a CSV cell would hold: numbers without exponent, null and objects empty. */
export function propertyText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return String(value);
    const plain = String(value);
    return /e/i.test(plain) ? value.toFixed(12).replace(/\.?0+$/, '') : plain;
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return '';
}

/** Case-insensitive property lookup: the first of `names` present, as text; `undefined` when none is. */
export function propertyLookup(properties: Record<string, unknown> | null | undefined): (names: readonly string[]) => string | undefined {
  const lower = new Map<string, unknown>();
  for (const [key, value] of Object.entries(properties ?? {})) lower.set(key.trim().toLowerCase(), value);
  return (names) => {
    for (const name of names) if (lower.has(name)) return propertyText(lower.get(name));
    return undefined;
  };
}
