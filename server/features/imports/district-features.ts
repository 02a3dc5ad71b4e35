import { DISTRICT_KINDS } from '../../../shared/categories.ts';
import { parseCount } from './cell-values.ts';
import type { ImportSrid } from './coordinates.ts';
import { propertyLookup, propertyText, readFeatureCollection, type RawFeature } from './geojson-file.ts';
import { ImportFileError, type RowError } from './import-errors.ts';

/** District levels, coarsest first (SPEC §4.1): kommundel ⊃ stadsdel ⊃ område. */
export { DISTRICT_KINDS };

/** One of {@link DISTRICT_KINDS}. */
export type DistrictKind = (typeof DISTRICT_KINDS)[number];

/** Gender groups for population (the survey's groups, SPEC §4.3). Read from `population_<gender>` properties. */
export const POPULATION_GENDERS = ['kvinna', 'man', 'annat'] as const;

/**
 * Age groups for population, read from `population_<group>` properties: the survey groups plus
 * children (`0-15`); any `population_<a>-<b>` or `population_<a>+` property is accepted as an age group.
 */
export const POPULATION_AGE_GROUPS = ['0-15', '16-19', '20-34', '35-49', '50-64', '65-79', '80+'] as const;

/** Property names tried for the district name when `--name-field` is not given. */
export const DISTRICT_NAME_PROPERTIES = ['name', 'namn', 'district', 'omrade', 'område', 'stadsdel', 'kommundel', 'label'];

/** Property names tried for the parent district (its name or id). */
export const DISTRICT_PARENT_PROPERTIES = ['parent', 'parent_name', 'parent_id', 'förälder', 'overordnad', 'överordnad'];

/** A district feature that passed the checks that need no database. */
export interface ParsedDistrict {
  /** 1-based position in the file. */
  feature: number;
  name: string;
  /** The file's own id for the district (`id` property or feature id), used for parent links. */
  external_id: string | null;
  kind: DistrictKind;
  /** Name or external id of the enclosing district, resolved against the file and the database later. */
  parent: string | null;
  population: number | null;
  population_by_gender: Record<string, number>;
  population_by_age: Record<string, number>;
  /** GeoJSON Polygon or MultiPolygon with rings closed, in `srid`. */
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] };
  srid: ImportSrid;
}

/** Options mirroring `lagesbild import districts` flags. */
export interface DistrictFileOptions {
  nameField?: string;
  kind?: DistrictKind;
  populationField?: string;
  crs?: ImportSrid;
}

/** Reads a `--kind` value (also "område"); `undefined` when unknown. */
export function parseDistrictKind(text: string): DistrictKind | undefined {
  const key = text.trim().toLowerCase().replace('å', 'a');
  return (DISTRICT_KINDS as readonly string[]).includes(key) ? (key as DistrictKind) : undefined;
}

/**
 * Reads a district GeoJSON file: every feature needs a name and a Polygon/MultiPolygon; kind comes
 * from a `kind`/`typ` property, else `--kind`, else `omrade`. Problems are reported per feature with
 * its number and name (`row` = feature number). Geometry validity (self-intersections) is repaired in
 * the database with ST_MakeValid.
 */
export async function readDistrictFile(bytes: AsyncIterable<Uint8Array>, options: DistrictFileOptions = {}): Promise<{ districts: ParsedDistrict[]; errors: RowError[] }> {
  const collection = await readFeatureCollection(bytes, { fallbackSrid: options.crs });
  if (collection.features.length === 0) throw new ImportFileError('EMPTY_FILE', 'GeoJSON-filen innehåller inga områden (features är tom).');
  const districts: ParsedDistrict[] = [];
  const errors: RowError[] = [];
  const names = new Map<string, number>();
  collection.features.forEach((feature, index) => {
    const result = parseDistrictFeature(index + 1, feature, collection.srid, options);
    if (!result.ok) {
      errors.push(...result.errors);
      return;
    }
    const key = result.district.name.toLowerCase();
    const first = names.get(key);
    if (first !== undefined) {
      errors.push({ row: index + 1, field: 'name', message: `objekt ${index + 1} ("${result.district.name}"): namnet finns redan i objekt ${first}` });
      return;
    }
    names.set(key, index + 1);
    districts.push(result.district);
  });
  if (options.nameField && districts.length === 0 && collection.features.length > 0) {
    const sample = collection.features[0]?.properties;
    if (sample && !Object.keys(sample).some((k) => k.toLowerCase() === options.nameField!.toLowerCase())) {
      throw new ImportFileError('MISSING_COLUMNS', `Egenskapen "${options.nameField}" (--name-field) finns inte; objekten har: ${Object.keys(sample).join(', ')}.`, 0, options.nameField);
    }
  }
  return { districts, errors };
}

/** Checks one district feature. */
export function parseDistrictFeature(
  index: number,
  feature: RawFeature | undefined,
  srid: ImportSrid,
  options: DistrictFileOptions = {},
): { ok: true; district: ParsedDistrict } | { ok: false; errors: RowError[] } {
  if (!feature || typeof feature !== 'object' || feature.type !== 'Feature') {
    return { ok: false, errors: [{ row: index, field: 'feature', message: `objekt ${index} är ingen GeoJSON Feature` }] };
  }
  const get = propertyLookup(feature.properties);
  const nameProperties = options.nameField ? [options.nameField.toLowerCase()] : DISTRICT_NAME_PROPERTIES;
  const name = (get(nameProperties) ?? '').trim();
  const label = name ? `objekt ${index} ("${name}")` : `objekt ${index}`;
  const errors: RowError[] = [];
  const nameField = options.nameField ?? 'name';
  if (!name) errors.push({ row: index, field: nameField, message: `${label} saknar namn (egenskapen ${options.nameField ?? DISTRICT_NAME_PROPERTIES.slice(0, 2).join('/')})` });
  else if (name.length > 200) errors.push({ row: index, field: nameField, message: `${label}: namnet är längre än 200 tecken` });

  let kind: DistrictKind = options.kind ?? 'omrade';
  const kindText = get(['kind', 'typ', 'nivå', 'niva']);
  if (kindText && kindText.trim() !== '') {
    const parsed = parseDistrictKind(kindText);
    if (!parsed) errors.push({ row: index, field: 'kind', message: `${label}: okänd nivå "${kindText}"; tillåtna är kommundel, stadsdel, omrade` });
    else kind = parsed;
  }

  const populationField = (options.populationField ?? 'population').toLowerCase();
  let population: number | null = null;
  const populationText = get([populationField, ...(options.populationField ? [] : ['befolkning', 'folkmangd', 'folkmängd'])]);
  if (populationText !== undefined && populationText.trim() !== '') {
    const parsed = parseCount(populationText);
    if (!parsed.ok) errors.push({ row: index, field: populationField, message: `${label}: ${populationField}: ${parsed.message}` });
    else population = parsed.value;
  }
  const byGender: Record<string, number> = {};
  const byAge: Record<string, number> = {};
  for (const [key, value] of Object.entries(feature.properties ?? {})) {
    const m = /^(?:population|befolkning)_(.+)$/i.exec(key.trim());
    if (!m) continue;
    const group = m[1].toLowerCase();
    const isGender = (POPULATION_GENDERS as readonly string[]).includes(group);
    const isAge = /^\d{1,3}(-\d{1,3}|\+)$/.test(group);
    if (!isGender && !isAge) continue;
    const text = propertyText(value);
    if (text.trim() === '') continue;
    const parsed = parseCount(text);
    if (!parsed.ok) errors.push({ row: index, field: key, message: `${label}: ${key}: ${parsed.message}` });
    else (isGender ? byGender : byAge)[group] = parsed.value;
  }
  if (population === null) {
    const sum = Object.values(byGender).reduce((a, b) => a + b, 0);
    if (Object.keys(byGender).length > 0) population = sum;
  }

  const parentText = (get(DISTRICT_PARENT_PROPERTIES) ?? '').trim();
  const externalId = (get(['id', 'district_id', 'kod', 'code']) ?? (feature.id !== undefined ? propertyText(feature.id) : '')).trim();

  const geometry = checkPolygonGeometry(feature.geometry, srid);
  if (!geometry.ok) errors.push({ row: index, field: 'geometry', message: `${label}: ${geometry.message}` });

  if (errors.length > 0 || !geometry.ok) return { ok: false, errors };
  return {
    ok: true,
    district: {
      feature: index,
      name,
      external_id: externalId || null,
      kind,
      parent: parentText || null,
      population,
      population_by_gender: byGender,
      population_by_age: byAge,
      geometry: geometry.value,
      srid,
    },
  };
}

type PolygonCoordinates = number[][][];

/** Checks a Polygon/MultiPolygon's structure and numbers, closing open rings; validity proper is left to ST_MakeValid. */
export function checkPolygonGeometry(
  geometry: RawFeature['geometry'],
  srid: ImportSrid,
): { ok: true; value: ParsedDistrict['geometry'] } | { ok: false; message: string } {
  if (!geometry) return { ok: false, message: 'saknar geometri' };
  if (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') {
    return { ok: false, message: `geometrin är en ${String(geometry.type)}; ett område måste vara Polygon eller MultiPolygon` };
  }
  const polygons: unknown[] = geometry.type === 'Polygon' ? [geometry.coordinates] : Array.isArray(geometry.coordinates) ? geometry.coordinates : [];
  if (polygons.length === 0) return { ok: false, message: 'geometrin saknar koordinater' };
  const closed: PolygonCoordinates[] = [];
  for (const polygon of polygons) {
    if (!Array.isArray(polygon) || polygon.length === 0) return { ok: false, message: 'geometrin har en polygon utan ringar' };
    const rings: number[][][] = [];
    for (const ring of polygon) {
      if (!Array.isArray(ring)) return { ok: false, message: 'geometrin har en ogiltig ring' };
      const positions: number[][] = [];
      for (const position of ring) {
        if (!Array.isArray(position) || position.length < 2 || !position.slice(0, 2).every((v) => typeof v === 'number' && Number.isFinite(v))) {
          return { ok: false, message: 'geometrin har en koordinat som inte är två tal' };
        }
        const [x, y] = position as number[];
        if (srid === 4326 && (Math.abs(x) > 180 || Math.abs(y) > 90)) {
          return { ok: false, message: `koordinaten (${x}, ${y}) är inga grader (WGS84); är filen i SWEREF 99 TM? Ange --crs EPSG:3006` };
        }
        positions.push([x, y]);
      }
      const first = positions[0];
      const last = positions[positions.length - 1];
      if (first && (first[0] !== last[0] || first[1] !== last[1])) positions.push([first[0], first[1]]);
      if (positions.length < 4) return { ok: false, message: 'geometrin har en ring med färre än tre hörn' };
      rings.push(positions);
    }
    closed.push(rings);
  }
  return geometry.type === 'Polygon' ? { ok: true, value: { type: 'Polygon', coordinates: closed[0] } } : { ok: true, value: { type: 'MultiPolygon', coordinates: closed } };
}
