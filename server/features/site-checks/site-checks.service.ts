import { sql } from 'kysely';
import { CATEGORY_BY_CODE } from '../../../shared/categories.ts';
import { hotspotAccess, markAccess, mayEdit, type Role } from '../../../shared/roles.ts';
import { protectCounts } from '../../../shared/suppression.ts';
import { answerHidden, AREA_GRID_M, snapsAreas } from '../disclosure/disclosure.ts';
import type { Db } from '../../infra/db.ts';
import { AppError, badRequest, notFound } from '../../infra/errors.ts';
import { binomialCdf } from '../../stats/binomial.ts';
import { requireAccess } from '../auth/guards.ts';
import type { Viewer } from '../auth/viewer.ts';
import { getHotspots } from '../hotspots/hotspots.service.ts';
import { parseDrawnArea } from '../incidents/incident-filter-sql.ts';
import { resolveIncidentFilters, type IncidentFilters } from '../incidents/incident-filters.ts';
import { buildChecklist, type ChecklistInput } from './site-checks.checklist.ts';
import {
  checkSiteGeometry, countIncidentsNearSite, countIncidentsNearSiteByHour, countLocatedByCategory, distancesFromSite,
  findSiteCheck, insertSiteCheck, listMarksNearSite, listSiteChecks, measureZones, siteAsGeoJson, ZONES_M, type SiteEwkb,
} from './site-checks.queries.ts';

/** A point needs a radius of at least this many metres; any site's buffer is at most BUFFER_MAX_M. */
export const POINT_BUFFER_MIN_M = 10;
export const BUFFER_MAX_M = 2000;
/** The buffered site may cover at most this much (25 km²): a site check is about a place, not a town. */
export const SITE_MAX_AREA_M2 = 25_000_000;
/** The time pattern and the survey marks are read within these distances of the site. */
export const TIME_ZONE_M = 100;
export const MARK_ZONE_M = 250;
/** Hotspot cells (200 m hexagons) are listed when their centre lies within this distance of the site. */
export const HOTSPOT_CELL_M = 200;
export const HOTSPOT_NEAR_M = 500 + HOTSPOT_CELL_M;
const ALPHA = 0.05;

export const SITE_CHECK_METHOD =
  'Incidents are counted within the site and within 100, 250 and 500 m of it (each zone includes the site). ' +
  'Expected = the municipality\'s located incidents of the category in the period × the zone\'s share of the municipality\'s area ' +
  '(ST_Area in EPSG:3006, the zone clipped to the districts). Exact test: with X ~ Binomial(municipality count, area share), ' +
  'p = min(1, 2·min(P(X ≤ k), P(X ≥ k))); significant when p < 0.05. Where small counts are suppressed the test uses the published (rounded) count.';

/** The drawn site after validation: GeoJSON text (WGS84) and whether it is a point. */
export interface SiteInput {
  geojson: string;
  isPoint: boolean;
}

/** Validates the drawn geometry (Point, Polygon or MultiPolygon in WGS84) and the buffer; 400 naming the field. */
export function parseSiteInput(geometry: unknown, bufferM: number): SiteInput {
  if (!Number.isFinite(bufferM) || bufferM < 0) throw badRequest('buffer_m', 'must be a number of metres ≥ 0');
  if (bufferM > BUFFER_MAX_M) throw badRequest('buffer_m', `at most ${BUFFER_MAX_M} m`);
  const g = geometry as { type?: unknown; coordinates?: unknown } | null;
  if (g && typeof g === 'object' && !Array.isArray(g) && g.type === 'Point') {
    const c = g.coordinates;
    if (!Array.isArray(c) || c.length < 2 || c.length > 3 || !c.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw badRequest('geometry', 'a Point needs coordinates [longitude, latitude] with finite numbers');
    }
    if (c[0] < -180 || c[0] > 180 || c[1] < -90 || c[1] > 90) throw badRequest('geometry', 'positions must be WGS84 longitude/latitude');
    if (bufferM < POINT_BUFFER_MIN_M) throw badRequest('buffer_m', `a point needs a radius of at least ${POINT_BUFFER_MIN_M} m`);
    return { geojson: JSON.stringify({ type: 'Point', coordinates: [c[0], c[1]] }), isPoint: true };
  }
  if (g && typeof g === 'object' && !Array.isArray(g) && g.type !== 'Polygon' && g.type !== 'MultiPolygon') {
    throw badRequest('geometry', 'type must be Point, Polygon or MultiPolygon');
  }
  return { geojson: parseDrawnArea(geometry, 'geometry').geojson, isPoint: false };
}

/** Validates the site with PostGIS (valid, non-empty, inside the municipality, not too big) and returns it buffered. */
async function buildSite(db: Db, municipality: string, input: SiteInput, bufferM: number): Promise<SiteEwkb> {
  const check = await checkSiteGeometry(db, municipality, input.geojson, bufferM);
  if (!check.valid) throw badRequest('geometry', `not a valid geometry (${check.reason ?? 'invalid'}); a polygon must not cross itself`);
  if (!input.isPoint && check.input_area_m2 <= 0) throw badRequest('geometry', 'the polygon is empty (zero area)');
  if (!check.has_districts) throw new AppError(404, 'NO_DISTRICTS', 'The municipality has no districts: a site check compares against its area');
  if (check.area_m2 > SITE_MAX_AREA_M2) throw badRequest('geometry', `the site covers ${(check.area_m2 / 1e6).toFixed(1)} km²; at most ${SITE_MAX_AREA_M2 / 1e6} km²`);
  if (check.inside_m2 <= 0) throw badRequest('geometry', `the site lies outside municipality ${municipality}`);
  return check.ewkb!;
}

/** Located incidents of the whole municipality per category over the filters' period (the denominator of area-share comparisons). */
export async function municipalityLocatedCounts(db: Db, filters: IncidentFilters): Promise<Map<string, number>> {
  return countLocatedByCategory(db, filters);
}

/** Two-sided exact test of k against Binomial(n, share): min(1, 2·min(P(X ≤ k), P(X ≥ k))). */
export function areaShareTest(k: number, n: number, share: number): number | null {
  if (n === 0) return null;
  const s = Math.min(1, Math.max(0, share));
  const kk = Math.min(k, n);
  const lower = binomialCdf(kk, n, s);
  // P(X ≥ k) = P(Y ≤ n − k) for Y ~ Binomial(n, 1 − s): summed directly, not as 1 − (something close to 1).
  const upper = kk === 0 ? 1 : binomialCdf(n - kk, n, 1 - s);
  return Math.min(1, 2 * Math.min(lower, upper));
}

const ZONE_KEYS = ['site', 'within_100', 'within_250', 'within_500'] as const;
const zoneKey = (m: number) => ZONE_KEYS[ZONES_M.indexOf(m as (typeof ZONES_M)[number])];
const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
const HOUR_BANDS: readonly { key: string; label: string; hours: readonly number[] }[] = [
  { key: 'natt', label: '22–06', hours: [22, 23, 0, 1, 2, 3, 4, 5] },
  { key: 'dag', label: '06–18', hours: [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17] },
  { key: 'kvall', label: '18–22', hours: [18, 19, 20, 21] },
];

async function incidentSection(db: Db, filters: IncidentFilters, ewkb: SiteEwkb, onGrid: boolean) {
  const [zones, near, municipal] = await Promise.all([
    measureZones(db, filters.municipality, ewkb, onGrid), countIncidentsNearSite(db, filters, ewkb, onGrid), countLocatedByCategory(db, filters),
  ]);
  // Counts per category are cumulative over the zones: within 250 m includes the site and 100 m.
  const exact = new Map<string, number[]>(filters.categories.map((c) => [c, ZONES_M.map(() => 0)]));
  for (const r of near) {
    const row = exact.get(r.category_code);
    if (!row) continue;
    for (let z = ZONES_M.indexOf(r.zone as (typeof ZONES_M)[number]); z < ZONES_M.length; z++) row[z] += r.n;
  }
  const cells = [...exact].flatMap(([code, counts]) => counts.map((count, z) => ({ key: `${code}|${z}`, count, groups: [`zone:${z}`] })));
  const totals = ZONES_M.map((_, z) => [...exact.values()].reduce((s, r) => s + r[z], 0));
  const totalCells = totals.map((count, z) => ({ key: `total|${z}`, count, groups: ['totals'] }));
  const shown = protectCounts([...cells, ...totalCells], filters.suppress);
  const municipalityM2 = zones.municipality_m2;
  const rows = [...exact].map(([code, counts]) => {
    const def = CATEGORY_BY_CODE.get(code)!;
    const n = municipal.get(code) ?? 0;
    return {
      category: code, name_sv: def.sv, name_en: def.en, police_initiated: def.policeInitiated, municipality_count: filters.suppress ? protectCounts([{ key: 0, count: n, groups: [] }], true).get(0)!.count : n,
      zones: counts.map((_, z) => {
        const p = shown.get(`${code}|${z}`)!;
        const share = municipalityM2 > 0 ? zones.zones[z].inside_m2 / municipalityM2 : 0;
        const expected = n * share;
        const k = p.count;
        const pValue = k === null ? null : areaShareTest(k, n, share);
        return {
          zone: zoneKey(ZONES_M[z]), distance_m: ZONES_M[z], count: k, suppression: p.suppression, expected: round(expected, 2),
          ratio: k === null || expected === 0 ? null : round(k / expected, 2),
          direction: k === null ? null : k > expected ? ('higher' as const) : k < expected ? ('lower' as const) : ('as_expected' as const),
          p_value: pValue, significant: pValue === null ? null : pValue < ALPHA,
        };
      }),
    };
  });
  return {
    zones: zones.zones.map((z) => ({ zone: zoneKey(z.distance_m), distance_m: z.distance_m, area_m2: round(z.area_m2, 1), area_in_municipality_m2: round(z.inside_m2, 1) })),
    municipality_area_m2: round(municipalityM2, 1),
    totals: totals.map((_, z) => ({ zone: zoneKey(ZONES_M[z]), count: shown.get(`total|${z}`)!.count, suppression: shown.get(`total|${z}`)!.suppression })),
    categories: rows,
  };
}

async function timeSection(db: Db, filters: IncidentFilters, ewkb: SiteEwkb, onGrid: boolean) {
  const how = await countIncidentsNearSiteByHour(db, filters, ewkb, TIME_ZONE_M, onGrid);
  const matrix = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  for (const r of how) matrix[Math.floor(r.how / 24)][r.how % 24] += r.n;
  const total = matrix.flat().reduce((s, n) => s + n, 0);
  const byWeekday = matrix.map((row) => row.reduce((s, n) => s + n, 0));
  const byBand = HOUR_BANDS.map((b) => matrix.reduce((s, row) => s + b.hours.reduce((t, h) => t + row[h], 0), 0));
  const protect = (counts: number[], prefix: string) => {
    const p = protectCounts(counts.map((count, k) => ({ key: k, count, groups: [prefix] })), filters.suppress);
    return counts.map((_, k) => p.get(k)!.count);
  };
  const cellProtection = protectCounts(
    matrix.flatMap((row, d) => row.map((count, h) => ({ key: d * 24 + h, count, groups: ['all', `d${d}`] }))), filters.suppress,
  );
  const totalShown = protect([total], 'total')[0];
  const bands = protect(byBand, 'bands');
  if (answerHidden(total, filters.suppress)) {
    // Hidden whole, as a drawn area's time pattern: a lone hidden cell among zeros would say when it happened.
    const none = <T,>(xs: T[]) => xs.map(() => null);
    return {
      zone: 'within_100' as const, distance_m: TIME_ZONE_M, time_zone: 'Europe/Stockholm', total: null,
      weekdays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], by_weekday: none(byWeekday),
      by_time_of_day: HOUR_BANDS.map((b) => ({ key: b.key, hours: b.label, count: null })),
      weekday_hour: matrix.map((row) => none(row)),
    };
  }
  return {
    zone: 'within_100' as const,
    distance_m: TIME_ZONE_M,
    time_zone: 'Europe/Stockholm',
    total: totalShown,
    weekdays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
    by_weekday: protect(byWeekday, 'weekdays'),
    by_time_of_day: HOUR_BANDS.map((b, k) => ({ key: b.key, hours: b.label, count: bands[k] })),
    weekday_hour: matrix.map((row, d) => row.map((_, h) => cellProtection.get(d * 24 + h)!.count)),
  };
}

async function markSection(db: Db, role: Role, municipality: string, ewkb: SiteEwkb) {
  if (!markAccess(role)) return null;
  const marks = await listMarksNearSite(db, municipality, ewkb, MARK_ZONE_M);
  const byReason: Record<string, number> = {};
  const byTime: Record<string, number> = {};
  for (const m of marks) {
    for (const r of m.reasons) byReason[r] = (byReason[r] ?? 0) + 1;
    const t = m.time_of_day ?? 'okand';
    byTime[t] = (byTime[t] ?? 0) + 1;
  }
  return {
    zone: 'within_250' as const, distance_m: MARK_ZONE_M, total: marks.length, inside_site: marks.filter((m) => m.inside).length,
    by_reason: Object.entries(byReason).sort((a, b) => b[1] - a[1]).map(([reason, count]) => ({ reason, count })),
    by_time_of_day: Object.entries(byTime).map(([time_of_day, count]) => ({ time_of_day, count })),
  };
}

/** Centre of ST_HexagonGrid cell (i, j) with edge s (EPSG:3006), as hotspots.queries computes it. */
function hexCentre(i: number, j: number, s: number) {
  const h = Math.sqrt(3) * s;
  return { x: 1.5 * s * i, y: h * j + (((i % 2) + 2) % 2) * (h / 2) };
}

// The municipality's Gi* surface does not depend on the site, and computing it is most of a site
// check's time: a planner trying several sites with the same filters reuses it. An entry lives a
// minute and is keyed by the data version (the newest import batch and how many are rolled back).
const HOTSPOT_CACHE_MS = 60_000;
const hotspotCache = new Map<string, { at: number; value: Promise<Awaited<ReturnType<typeof getHotspots>>> }>();

async function municipalHotspots(db: Db, filters: IncidentFilters, role: Role) {
  const version = await sql<{ v: string }>`
    SELECT coalesce(max(id), 0)::text || '/' || count(*) FILTER (WHERE status = 'rolled_back')::text AS v
      FROM import_batch WHERE municipality_code = ${filters.municipality}`.execute(db);
  const key = JSON.stringify([dbId(db), version.rows[0].v, filters.municipality, filters.from, filters.to, filters.categories, filters.sources, hotspotAccess(role)]);
  const now = Date.now();
  for (const [k, e] of hotspotCache) if (now - e.at > HOTSPOT_CACHE_MS) hotspotCache.delete(k);
  const hit = hotspotCache.get(key);
  if (hit) return hit.value;
  const value = getHotspots(db, { ...filters, districtId: null }, role, { cell: HOTSPOT_CELL_M });
  hotspotCache.set(key, { at: now, value });
  value.catch(() => hotspotCache.delete(key));
  return value;
}

// Each database handle gets its own cache keys (tests open many databases in one process).
const dbIds = new WeakMap<object, number>();
let nextDbId = 0;
function dbId(db: Db): number {
  if (!dbIds.has(db)) dbIds.set(db, ++nextDbId);
  return dbIds.get(db)!;
}

async function hotspotSection(db: Db, filters: IncidentFilters, role: Role, ewkb: SiteEwkb) {
  if (!hotspotAccess(role)) return null;
  const hotspots = await municipalHotspots(db, filters, role);
  const significant = hotspots.features.filter((f) => f.properties.class !== 'ns');
  const distances = await distancesFromSite(db, ewkb, significant.map((f) => hexCentre(f.properties.i, f.properties.j, HOTSPOT_CELL_M)), HOTSPOT_NEAR_M);
  const cells = significant
    .map((f, k) => ({ f, d: distances[k] }))
    .filter((c) => c.d !== null)
    .sort((a, b) => a.d! - b.d!)
    .slice(0, 50)
    .map(({ f, d }) => ({
      i: f.properties.i, j: f.properties.j, class: f.properties.class, count: f.properties.count, z: f.properties.z, p_fdr: f.properties.p_fdr,
      distance_m: Math.round(d!), geometry: f.geometry,
    }));
  return { cell_m: HOTSPOT_CELL_M, band_m: hotspots.band_m, within_m: HOTSPOT_NEAR_M, method: hotspots.method, cells };
}

type Report = Awaited<ReturnType<typeof computeReport>>;

async function computeReport(db: Db, viewer: Viewer, filters: IncidentFilters, ewkb: SiteEwkb, bufferM: number) {
  // Every role but police gets incidents counted by their 500 m grid cell, as for drawn areas (disclosure control).
  const onGrid = snapsAreas(viewer.role);
  const [incidents, time, marks, hotspots, siteGeoJson] = await Promise.all([
    incidentSection(db, filters, ewkb, onGrid), timeSection(db, filters, ewkb, onGrid), markSection(db, viewer.role, filters.municipality, ewkb),
    hotspotSection(db, filters, viewer.role, ewkb), siteAsGeoJson(db, ewkb),
  ]);
  const bandCount = (key: string) => time.by_time_of_day.find((b) => b.key === key)!.count;
  const checklistInput: ChecklistInput = {
    higher: incidents.categories.flatMap((c) =>
      c.zones.filter((z) => z.significant && z.direction === 'higher' && z.distance_m <= 250)
        .map((z) => ({ category: c.category, name_sv: c.name_sv, zone_m: z.distance_m, count: z.count, expected: z.expected }))),
    time: { zone_m: TIME_ZONE_M, total: time.total, dag: bandCount('dag'), kvall: bandCount('kvall'), natt: bandCount('natt') },
    marks: {
      zone_m: MARK_ZONE_M, total: marks?.total ?? 0,
      by_reason: Object.fromEntries((marks?.by_reason ?? []).map((r) => [r.reason, r.count])),
      by_time: Object.fromEntries((marks?.by_time_of_day ?? []).map((r) => [r.time_of_day, r.count])),
    },
    hot_cells: (hotspots?.cells ?? []).map((c) => ({ class: c.class, distance_m: c.distance_m })),
  };
  const notes: string[] = [];
  if (filters.categories.some((c) => CATEGORY_BY_CODE.get(c)?.policeInitiated)) {
    notes.push('narkotika and langning are mostly police-initiated (spaningsbrott): their counts measure police activity as much as crime.');
  }
  if (filters.suppress) notes.push('Counts of 1–4 are suppressed ("<5") and other counts rounded to 5 for your role (SPEC §6).');
  if (onGrid) {
    notes.push(`For your role incidents are counted by the ${AREA_GRID_M} m grid cell they lie in: a cell counts in a zone when its centre lies in the zone, and the expected counts are for those cells' area. A small site may hold no cell centre and then shows 0.`);
  }
  if (!marks) notes.push('Survey marks are not shown to your role.');
  if (!hotspots) notes.push('Hotspot cells are not shown to your role.');
  return {
    municipality: filters.municipality,
    period: { from: filters.from, to: filters.to },
    buffer_m: bufferM,
    site: JSON.parse(siteGeoJson) as { type: string; coordinates: unknown[] },
    area_m2: incidents.zones[0].area_m2,
    categories: filters.categories,
    suppressed: filters.suppress,
    viewer_role: viewer.role,
    incidents,
    time,
    survey_marks: marks,
    hotspots,
    checklist: buildChecklist(checklistInput),
    method: SITE_CHECK_METHOD,
    notes,
  };
}

export interface SiteCheckRequest {
  municipality?: string;
  geometry: unknown;
  buffer_m: number;
  from?: string;
  to?: string;
  category?: string;
  source?: string;
  name?: string;
}

/** 401/403 unless the viewer may run and save site checks (planners, analysts, police). */
export function requireSiteCheckEditor(viewer: Viewer) {
  requireAccess(viewer, mayEdit(viewer.role, 'site_checks'), 'run or save site checks');
}

/** Roles that may reopen saved site checks: their editors, and the council (aggregates it may see anyway). */
export function requireSiteCheckReader(viewer: Viewer) {
  requireAccess(viewer, mayEdit(viewer.role, 'site_checks') || viewer.role === 'council', 'read site checks');
}

function checkName(name: string | undefined): string | null {
  if (name === undefined) return null;
  const trimmed = name.trim();
  if (!trimmed) throw badRequest('name', 'must not be empty');
  return trimmed;
}

/**
 * A site check (SPEC §7): incidents by category in and around the drawn site against the
 * municipality's rates, time pattern, survey marks, nearby hotspots and the checklist that follows —
 * all as the viewer's role may see them. With `name` it is saved too.
 */
export async function runSiteCheck(db: Db, viewer: Viewer, body: SiteCheckRequest, options: { save: boolean }) {
  requireSiteCheckEditor(viewer);
  const name = checkName(body.name);
  if (options.save && name === null) throw badRequest('name', 'required to save a site check');
  const input = parseSiteInput(body.geometry, body.buffer_m);
  const filters = await resolveIncidentFilters(db, { municipality: body.municipality, from: body.from, to: body.to, category: body.category, source: body.source }, viewer);
  const ewkb = await buildSite(db, filters.municipality, input, body.buffer_m);
  const report = await computeReport(db, viewer, filters, ewkb, body.buffer_m);
  if (name === null) return { id: null, name: null, saved_at: null, recomputed: false, ...report };
  const saved = await insertSiteCheck(db, {
    municipality: filters.municipality, name, ewkb, bufferM: body.buffer_m, from: filters.from, to: filters.to, report,
    input: { geometry: JSON.parse(input.geojson), category: body.category ?? null, source: body.source ?? null }, userId: viewer.userId, role: viewer.role,
  });
  return { id: saved.id, name, saved_at: saved.created_at, recomputed: false, ...report };
}

/** Saved site checks of a municipality (names, periods, areas; no report bodies). */
export async function listSavedSiteChecks(db: Db, viewer: Viewer, municipality: string) {
  requireSiteCheckReader(viewer);
  return { municipality, site_checks: await listSiteChecks(db, municipality) };
}

/**
 * A saved site check. The stored report is what its author's role could see; a viewer of another
 * role gets it recomputed over the same site and period under their own access rules.
 */
export async function getSavedSiteCheck(db: Db, viewer: Viewer, id: number) {
  requireSiteCheckReader(viewer);
  const row = await findSiteCheck(db, id);
  if (!row || (viewer.municipalityCodes && !viewer.municipalityCodes.includes(row.municipality_code))) throw notFound(`site check ${id}`);
  const stored = (typeof row.report === 'string' ? JSON.parse(row.report) : row.report) as Report;
  const input = (typeof row.geometry_input === 'string' ? JSON.parse(row.geometry_input) : row.geometry_input) as { geometry?: unknown; category?: string | null; source?: string | null } | null;
  const head = { id: row.id, name: row.name, saved_at: row.created_at, input_geometry: input?.geometry ?? null };
  if (row.created_by_role === viewer.role) return { ...head, recomputed: false, ...stored };
  const filters = await resolveIncidentFilters(db, {
    municipality: row.municipality_code, from: row.period_from, to: row.period_to, category: input?.category ?? undefined, source: input?.source ?? undefined,
  }, viewer);
  return { ...head, recomputed: true, ...(await computeReport(db, viewer, filters, row.ewkb, row.buffer_m)) };
}
