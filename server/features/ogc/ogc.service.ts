import { hotspotAccess, markAccess, type Role } from '../../../shared/roles.ts';
import { addDays, isIsoDate } from '../../../shared/time.ts';
import type { Db } from '../../infra/db.ts';
import { AppError, badRequest } from '../../infra/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { requireAccess } from '../auth/guards.ts';
import type { Viewer } from '../auth/viewer.ts';
import { getDistrictStats } from '../districts/district-stats.service.ts';
import { getHotspots } from '../hotspots/hotspots.service.ts';
import { resolveIncidentFilters } from '../incidents/incident-filters.ts';
import { resolveMunicipality } from '../municipalities/municipalities.service.ts';
import { getPublicPromises } from '../public/public.service.ts';
import { findSurveyMarks } from '../survey-marks/survey-marks.service.ts';
import {
  envelopeToWgs84, listDistrictGeometries, listPromiseGeometries, measureDistrictExtent, readDistrictsFingerprint, transformGeometries,
  type DistrictGeometryRow,
} from './ogc.queries.ts';

/** CRS URIs the items can be served in (OGC API – Features Part 2). CRS84 is lon/lat WGS84, the default. */
export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
export const EPSG3006 = 'http://www.opengis.net/def/crs/EPSG/0/3006';
export const SUPPORTED_CRS = [CRS84, EPSG3006] as const;

/** Conformance classes this implementation meets. */
export const CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
];

/** Most features on one items page; a larger `limit` is clamped to it (OGC API – Features, /req/core/fc-limit-response-1). */
export const MAX_LIMIT = 10_000;
export const DEFAULT_LIMIT = 100;

type Scalar = string | number | boolean | null;
/** A GeoJSON geometry object. */
export interface GeoJsonGeometry {
  type: string;
  coordinates: unknown[];
}
/** A feature before paging: WGS84 geometry (GeoJSON text or object) and flat attributes (GIS tables want scalars). */
export interface OgcFeature {
  id: string | number;
  geometry: string | GeoJsonGeometry | null;
  properties: Record<string, Scalar>;
}

const geometryObject = (g: string | GeoJsonGeometry): GeoJsonGeometry => (typeof g === 'string' ? JSON.parse(g) : g);

// The GeoJSON text each memoised geometry was parsed from, so writing a page does not stringify a
// thousand boundaries again (Node 20 has no JSON.rawJSON).
const geometryText = new WeakMap<object, string>();

/**
 * An items document (or any JSON value holding memoised geometries) as JSON text: JSON.stringify,
 * except that a geometry with known text is copied as that text.
 */
export function stringifyItems(document: { features: { geometry: GeoJsonGeometry | null }[] } & Record<string, unknown>): string {
  const feature = (f: { geometry: GeoJsonGeometry | null }) => {
    const text = f.geometry ? geometryText.get(f.geometry) : undefined;
    if (text === undefined) return JSON.stringify(f);
    return members(f, (k, v) => (k === 'geometry' ? text : JSON.stringify(v)));
  };
  return members(document, (k, v) => (k === 'features' ? `[${document.features.map(feature).join(',')}]` : JSON.stringify(v)));
}

// An object's members in its own order, undefined ones left out as JSON.stringify does.
function members(object: object, write: (key: string, value: unknown) => string): string {
  return `{${Object.entries(object).filter(([, v]) => v !== undefined).map(([k, v]) => `${JSON.stringify(k)}:${write(k, v)}`).join(',')}}`;
}

interface DistrictGeometries {
  rows: (Omit<DistrictGeometryRow, 'geometry'> & { geometry: GeoJsonGeometry })[];
  byId: Map<number, GeoJsonGeometry>;
}

// District boundaries change far less often than anything else, yet turning a thousand of them into
// GeoJSON (and parsing it again) was most of an items page. They are kept per municipality and CRS,
// keyed by a fingerprint of the district rows (an incident import leaves it alone), for ten minutes at most.
const GEOMETRY_TTL_MS = 10 * 60_000;
const GEOMETRY_ENTRIES = 16;
const districtGeometryMemo = new Map<string, { at: number; value: Promise<DistrictGeometries> }>();
const dbIds = new WeakMap<object, number>();
let nextDbId = 0;

/** A municipality's districts with parsed geometry in WGS84 or (3006) SWEREF 99 TM northing, easting. */
async function districtGeometries(db: Db, municipality: string, srid: 4326 | 3006): Promise<DistrictGeometries> {
  if (!dbIds.has(db)) dbIds.set(db, ++nextDbId);
  const key = `${dbIds.get(db)}|${municipality}|${srid}|${await readDistrictsFingerprint(db, municipality)}`;
  const now = Date.now();
  for (const [k, e] of districtGeometryMemo) if (now - e.at > GEOMETRY_TTL_MS) districtGeometryMemo.delete(k);
  const hit = districtGeometryMemo.get(key);
  if (hit) return hit.value;
  const value = listDistrictGeometries(db, municipality, srid).then((list) => {
    const rows = list.map((r) => {
      const geometry = JSON.parse(r.geometry) as GeoJsonGeometry;
      geometryText.set(geometry, r.geometry);
      return { ...r, geometry };
    });
    return { rows, byId: new Map(rows.map((r) => [r.id, r.geometry])) };
  });
  districtGeometryMemo.set(key, { at: now, value });
  while (districtGeometryMemo.size > GEOMETRY_ENTRIES) districtGeometryMemo.delete(districtGeometryMemo.keys().next().value!);
  value.catch(() => districtGeometryMemo.delete(key));
  return value;
}

/** The query parameters a collection's features may depend on (besides paging, bbox and crs). */
export interface OgcQuery {
  municipality?: string;
  from?: string;
  to?: string;
  datetime?: string;
  category?: string;
  source?: string;
  level?: 'kommundel' | 'stadsdel' | 'omrade';
  compare?: 'previous' | 'year';
  cell?: number;
}

interface CollectionDef {
  id: string;
  title: string;
  description: string;
  /** Whether `datetime` (or from/to) selects the period the features describe. */
  temporal: boolean;
  /** Whether this role may read the collection at all (SPEC §6); what it then holds follows the role too. */
  mayRead: (role: Role) => boolean;
  load: (db: Db, viewer: Viewer, q: OgcQuery, municipality: string, ip: string) => Promise<{ features: OgcFeature[]; period?: { from: string; to: string } }>;
  /** Geometries by feature id straight in SWEREF 99 TM, where the collection has them stored so (no transform). */
  geometries3006?: (db: Db, municipality: string) => Promise<Map<string | number, GeoJsonGeometry>>;
}

const districtGeometries3006 = async (db: Db, municipality: string) => (await districtGeometries(db, municipality, 3006)).byId as Map<string | number, GeoJsonGeometry>;

/** `datetime` (RFC 3339 instant or interval, `..` open) as a half-open period of Stockholm dates. */
export function periodOfDatetime(datetime: string | undefined): { from?: string; to?: string } {
  if (datetime === undefined) return {};
  const dateOf = (part: string, field: 'start' | 'end'): string | undefined => {
    if (part === '..' || part === '') return undefined;
    const day = part.slice(0, 10);
    if (!isIsoDate(day) || !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(part)) {
      throw badRequest('datetime', `${field} "${part.slice(0, 40)}" is not an RFC 3339 date or date-time`);
    }
    // Whole days only: an end with a time of day includes that day.
    return field === 'end' && part.length > 10 ? addDays(day, 1) : day;
  };
  const parts = datetime.split('/');
  if (parts.length > 2) throw badRequest('datetime', 'an instant or one interval "start/end"');
  if (parts.length === 1) {
    const day = dateOf(parts[0], 'start');
    if (!day) throw badRequest('datetime', 'an instant must be a date');
    return { from: day, to: addDays(day, 1) };
  }
  const from = dateOf(parts[0], 'start');
  let to = dateOf(parts[1], 'end');
  // An interval end that is a bare date is included (RFC 3339 intervals are closed); our periods are half-open.
  if (to && parts[1].length === 10) to = addDays(to, 1);
  if (from && to && from >= to) throw badRequest('datetime', 'start must be before end');
  return { from, to };
}

function periodQuery(q: OgcQuery): { from?: string; to?: string } {
  if (q.datetime === undefined) return { from: q.from, to: q.to };
  if (q.from !== undefined || q.to !== undefined) throw badRequest('datetime', 'give either datetime or from/to, not both');
  return periodOfDatetime(q.datetime);
}

const round = (v: number | null, digits: number) => (v === null ? null : Number(v.toFixed(digits)));

const COLLECTIONS: CollectionDef[] = [
  {
    id: 'districts',
    title: 'Districts',
    description: 'Kommundelar, stadsdelar and områden with population (SPEC §4.1).',
    temporal: false,
    mayRead: () => true,
    geometries3006: districtGeometries3006,
    load: async (db, _viewer, q, municipality) => {
      const rows = (await districtGeometries(db, municipality, 4326)).rows.filter((r) => !q.level || r.kind === q.level);
      return {
        features: rows.map((r) => ({
          id: r.id, geometry: r.geometry,
          properties: { id: r.id, name: r.name, kind: r.kind, parent_id: r.parent_id, population: r.population },
        })),
      };
    },
  },
  {
    id: 'district-stats',
    title: 'District statistics',
    description: 'Incident count, rate per 1,000 inhabitants and change against the previous period per district, '
      + 'for the period in datetime (or from/to; default the last twelve months). Small counts are suppressed for the role as in /api/stats/districts.',
    temporal: true,
    mayRead: () => true,
    geometries3006: districtGeometries3006,
    load: async (db, viewer, q, municipality) => {
      const filters = await resolveIncidentFilters(db, { municipality, ...periodQuery(q), category: q.category, source: q.source }, viewer);
      const stats = await getDistrictStats(db, filters, { compare: q.compare ?? 'previous', level: q.level });
      const geometries = (await districtGeometries(db, municipality, 4326)).byId;
      return {
        period: stats.period,
        features: stats.districts.map((d) => ({
          id: d.id,
          geometry: geometries.get(d.id) ?? null,
          properties: {
            id: d.id, name: d.name, kind: d.kind, parent_id: d.parent_id, population: d.population,
            period_from: stats.period.from, period_to: stats.period.to,
            count: d.count, rate_per_1000: round(d.rate_per_1000, 3),
            previous_from: stats.comparison.from, previous_to: stats.comparison.to, previous_count: d.previous_count,
            change_pct: round(d.change_pct, 2), change_significant: d.change_significant, p_value: d.p_value,
            suppressed: d.suppressed, suppression: d.suppression,
            categories: stats.categories.join(','),
          },
        })),
      };
    },
  },
  {
    id: 'hotspots',
    title: 'Hotspots (Getis–Ord Gi*)',
    description: 'Hexagons over the districts with incident counts and Gi* z, p, p_fdr and class for the period (cell = edge in metres, default 200).',
    temporal: true,
    mayRead: (role) => hotspotAccess(role) !== null,
    load: async (db, viewer, q, municipality) => {
      const filters = await resolveIncidentFilters(db, { municipality, ...periodQuery(q), category: q.category, source: q.source }, viewer);
      const result = await getHotspots(db, filters, viewer.role, { cell: q.cell ?? 200 });
      return {
        period: result.period,
        features: result.features.map((f) => {
          const suppressed = f.properties.count === '<5';
          return {
            id: `${f.properties.i}_${f.properties.j}`,
            geometry: f.geometry,
            properties: {
              i: f.properties.i, j: f.properties.j,
              // A GIS attribute has one type: the suppressed "<5" becomes null with a flag.
              count: suppressed ? null : (f.properties.count as number), count_suppressed: suppressed,
              z: f.properties.z, p: f.properties.p, p_fdr: f.properties.p_fdr, class: f.properties.class,
              cell_m: result.cell_m, band_m: result.band_m, period_from: result.period.from, period_to: result.period.to,
            },
          };
        }),
      };
    },
  },
  {
    id: 'survey-marks',
    title: 'Survey marks (unsafe places)',
    description: 'Places residents marked as unsafe with reasons (|-separated) and time of day; comments only once moderated.',
    temporal: false,
    mayRead: (role) => markAccess(role) !== null,
    load: async (db, viewer, _q, municipality, ip) => {
      let resultCount: number | null = null;
      let outcome = 'denied';
      try {
        const { rows } = await findSurveyMarks(db, viewer, municipality, {});
        resultCount = rows.length;
        outcome = 'ok';
        return {
          features: rows.map((r) => ({
            id: r.id,
            geometry: { type: 'Point', coordinates: [r.lon, r.lat] },
            properties: { id: r.id, survey_id: r.survey_id, district_id: r.district_id, reasons: r.reasons.join('|'), time_of_day: r.time_of_day, comment: r.comment },
          })),
        };
      } finally {
        // Marks are point-level data: every read is audited like /api/survey-marks (SPEC §6).
        await recordAudit(db, viewer, { action: `survey_marks.${outcome}`, route: '/ogc/collections/survey-marks/items', municipality, filters: {}, resultCount, ip });
      }
    },
  },
  {
    id: 'citizen-promises',
    title: 'Published citizen promises (medborgarlöften)',
    description: 'Published and followed-up promises as on the public page; datetime selects promises whose period overlaps it.',
    temporal: true,
    mayRead: () => true,
    load: async (db, _viewer, q, municipality) => {
      const { promises } = await getPublicPromises(db, municipality);
      const period = q.datetime !== undefined ? periodOfDatetime(q.datetime) : {};
      const overlapping = promises.filter((p) => (!period.to || String(p.period_start) < period.to) && (!period.from || String(p.period_end) >= period.from));
      const geometries = await listPromiseGeometries(db, municipality, overlapping.map((p) => p.id));
      return {
        features: overlapping.map((p) => ({
          id: p.id,
          geometry: geometries.get(p.id) ?? null,
          properties: {
            id: p.id, title: p.title, status: p.status, period_start: String(p.period_start), period_end: String(p.period_end),
            districts: p.area.district_names.join(', '), problems: p.problems.join(' | '),
            commitments: p.commitments.map((c) => `${c.actor}: ${c.text}${c.responsible ? ` (${c.responsible})` : ''}`).join(' | '),
            published_at: p.published_at,
          },
        })),
      };
    },
  },
];

/** The collections a viewer may read (restricted ones are left out of the list rather than shown and refused). */
export function visibleCollections(viewer: Viewer): CollectionDef[] {
  return COLLECTIONS.filter((c) => c.mayRead(viewer.role));
}

/** One collection by id, or 404; 401/403 when the viewer may not read it. */
export function collectionFor(viewer: Viewer, id: string): CollectionDef {
  const def = COLLECTIONS.find((c) => c.id === id);
  if (!def) throw new AppError(404, 'NOT_FOUND', `No collection "${id.slice(0, 60)}" (collections: ${COLLECTIONS.map((c) => c.id).join(', ')})`);
  requireAccess(viewer, def.mayRead(viewer.role), `read the collection ${def.id}`);
  return def;
}

/** Collection metadata (OGC API – Features /collections/{id}) with the municipality's WGS84 extent. */
export async function describeCollection(db: Db, viewer: Viewer, def: CollectionDef, municipalityCode: string | undefined) {
  const municipality = await resolveMunicipality(db, municipalityCode, viewer);
  const bbox = await measureDistrictExtent(db, municipality);
  return {
    id: def.id,
    title: def.title,
    description: def.description,
    itemType: 'feature',
    crs: [...SUPPORTED_CRS],
    storageCrs: EPSG3006,
    extent: { spatial: { bbox: [bbox ?? [-180, -90, 180, 90]], crs: CRS84 } },
  };
}

/** A page of items as OGC API – Features asks for it. */
export interface ItemsRequest extends OgcQuery {
  bbox?: string;
  'bbox-crs'?: string;
  crs?: string;
  limit?: number;
  offset?: number;
}

function parseBbox(text: string): [number, number, number, number] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length !== 4 && parts.length !== 6) throw badRequest('bbox', 'four numbers minx,miny,maxx,maxy (or six with heights)');
  const n = parts.map((p) => (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(p) ? Number(p) : NaN));
  if (n.some((v) => !Number.isFinite(v))) throw badRequest('bbox', 'every coordinate must be a finite number');
  const [x0, y0, x1, y1] = parts.length === 4 ? n : [n[0], n[1], n[3], n[4]];
  if (y0 > y1) throw badRequest('bbox', 'the lower corner must come first');
  return [x0, y0, x1, y1];
}

/** The CRS URI a `crs` or `bbox-crs` parameter names; 400 naming it when unsupported. */
export function crsOf(field: 'crs' | 'bbox-crs', value: string | undefined): (typeof SUPPORTED_CRS)[number] {
  if (value === undefined) return CRS84;
  const found = SUPPORTED_CRS.find((c) => c === value.trim());
  if (!found) throw badRequest(field, `unsupported CRS (one of ${SUPPORTED_CRS.join(', ')})`);
  return found;
}

/** Visits every [x, y] position of a GeoJSON geometry's coordinates. */
function eachPosition(coordinates: unknown, visit: (x: number, y: number) => void): void {
  if (!Array.isArray(coordinates)) return;
  if (typeof coordinates[0] === 'number') visit(coordinates[0], coordinates[1] as number);
  else for (const c of coordinates) eachPosition(c, visit);
}

type Box = [number, number, number, number];
const pointInBox = (x: number, y: number, b: Box) => x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];

function segmentsCross(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  const o = (px: number, py: number, qx: number, qy: number, rx: number, ry: number) => Math.sign((qx - px) * (ry - py) - (qy - py) * (rx - px));
  const o1 = o(ax, ay, bx, by, cx, cy), o2 = o(ax, ay, bx, by, dx, dy), o3 = o(cx, cy, dx, dy, ax, ay), o4 = o(cx, cy, dx, dy, bx, by);
  return o1 !== o2 && o3 !== o4;
}

function pointInRings(x: number, y: number, rings: number[][][]): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i], [xj, yj] = ring[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/**
 * Whether a WGS84 geometry intersects a box exactly (not just its envelope): a vertex inside the box,
 * a box corner inside a polygon, or an edge crossing a box edge.
 */
export function geometryIntersectsBox(geometry: { type: string; coordinates: unknown }, box: Box): boolean {
  let hit = false;
  eachPosition(geometry.coordinates, (x, y) => { if (!hit && pointInBox(x, y, box)) hit = true; });
  if (hit || geometry.type === 'Point' || geometry.type === 'MultiPoint') return hit;
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates as number[][][]]
    : geometry.type === 'MultiPolygon' ? (geometry.coordinates as number[][][][]) : [];
  const corners: [number, number][] = [[box[0], box[1]], [box[2], box[1]], [box[2], box[3]], [box[0], box[3]]];
  for (const rings of polygons) if (corners.some(([x, y]) => pointInRings(x, y, rings))) return true;
  const lines = geometry.type === 'LineString' ? [geometry.coordinates as number[][]]
    : geometry.type === 'MultiLineString' ? (geometry.coordinates as number[][][]) : polygons.flat();
  for (const line of lines) {
    for (let k = 1; k < line.length; k++) {
      for (let e = 0; e < 4; e++) {
        const [cx, cy] = corners[e], [dx, dy] = corners[(e + 1) % 4];
        if (segmentsCross(line[k - 1][0], line[k - 1][1], line[k][0], line[k][1], cx, cy, dx, dy)) return true;
      }
    }
  }
  return false;
}

/**
 * One page of a collection's features, filtered by `bbox` (exact intersection; a box crossing the
 * antimeridian has minx > maxx) and cut by `offset`/`limit`, with geometry in the requested CRS.
 */
export async function getItems(db: Db, viewer: Viewer, def: CollectionDef, q: ItemsRequest, ip: string) {
  const crs = crsOf('crs', q.crs);
  const bboxCrs = crsOf('bbox-crs', q['bbox-crs']);
  if (q['bbox-crs'] !== undefined && q.bbox === undefined) throw badRequest('bbox-crs', 'only meaningful with bbox');
  if (!def.temporal && q.datetime !== undefined) periodOfDatetime(q.datetime); // validated, then ignored: no time here
  const municipality = await resolveMunicipality(db, q.municipality, viewer);
  let box: Box | null = q.bbox === undefined ? null : parseBbox(q.bbox);
  if (box && bboxCrs === EPSG3006) {
    // EPSG:3006 has northing first: a bbox in it is (minN, minE, maxN, maxE).
    box = await envelopeToWgs84(db, [box[1], box[0], box[3], box[2]], 3006);
  }
  if (box && bboxCrs === CRS84 && (box[1] < -90 || box[3] > 90)) throw badRequest('bbox', 'latitudes must be within −90…90');
  const { features, period } = await def.load(db, viewer, q, municipality, ip);
  const boxes: Box[] = !box ? [] : box[0] <= box[2] ? [box] : [[box[0], box[1], 180, box[3]], [-180, box[1], box[2], box[3]]];
  const matched = !box ? features : features.filter((f) => {
    if (!f.geometry) return false;
    const g = geometryObject(f.geometry);
    return boxes.some((b) => geometryIntersectsBox(g, b));
  });
  const offset = q.offset ?? 0;
  const limit = Math.min(q.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
  const page = matched.slice(offset, offset + limit);
  return { municipality, period, crs, offset, limit, numberMatched: matched.length, features: await presentFeatures(db, def, municipality, page, crs) };
}

/** One feature by id (404 when the collection, as this viewer sees it, has none with that id). */
export async function getItem(db: Db, viewer: Viewer, def: CollectionDef, q: OgcQuery & { crs?: string }, featureId: string, ip: string) {
  const crs = crsOf('crs', q.crs);
  const municipality = await resolveMunicipality(db, q.municipality, viewer);
  const { features } = await def.load(db, viewer, q, municipality, ip);
  const found = features.find((f) => String(f.id) === featureId);
  if (!found) throw new AppError(404, 'NOT_FOUND', `No feature ${featureId.slice(0, 60)} in ${def.id}`);
  return { crs, feature: (await presentFeatures(db, def, municipality, [found], crs))[0] };
}

async function presentFeatures(db: Db, def: CollectionDef, municipality: string, page: OgcFeature[], crs: string) {
  let geometries: (GeoJsonGeometry | null)[];
  if (crs !== EPSG3006) geometries = page.map((f) => (f.geometry === null ? null : geometryObject(f.geometry)));
  else if (def.geometries3006) {
    const native = await def.geometries3006(db, municipality);
    geometries = page.map((f) => (f.geometry === null ? null : native.get(f.id) ?? null));
  } else geometries = await transformAll(db, page.map((f) => f.geometry));
  return page.map((f, k) => ({ type: 'Feature' as const, id: f.id, geometry: geometries[k], properties: f.properties }));
}

async function transformAll(db: Db, geometries: (string | GeoJsonGeometry | null)[]): Promise<(GeoJsonGeometry | null)[]> {
  const present = geometries.filter((g) => g !== null).map((g) => (typeof g === 'string' ? g : JSON.stringify(g)));
  const transformed = await transformGeometries(db, present, 3006, true);
  let k = 0;
  return geometries.map((g) => (g === null ? null : (JSON.parse(transformed[k++]) as GeoJsonGeometry)));
}
