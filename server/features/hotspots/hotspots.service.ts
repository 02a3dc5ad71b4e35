import { sql } from 'kysely';
import type { Role } from '../../../shared/roles.ts';
import { addDays, daysBetween } from '../../../shared/time.ts';
import type { Db } from '../../infra/db.ts';
import { AppError, badRequest } from '../../infra/errors.ts';
import { stockholmMidnight } from '../../infra/postgis.ts';
import { emergingPattern, type EmergingPattern } from '../../stats/emerging-hotspot.ts';
import { getisOrdGiStar, type GiStarClass } from '../../stats/gi-star.ts';
import { checkGridResolution, publishCount, requireHotspotDisclosure, statisticInput } from '../disclosure/index.ts';
import { assertDistrictInMunicipality } from '../incidents/incident-filter-sql.ts';
import type { IncidentFilters } from '../incidents/incident-filters.ts';
import { countPointsPerHexagon, measureStudyArea, type HexCountRow, type HexPoints, type StudyArea } from './hotspots.queries.ts';

/** A GeoJSON geometry object as parsed from ST_AsGeoJSON. */
export interface GeoJsonGeometry {
  type: string;
  coordinates: unknown[];
}

/** Hexagon edge length limits in metres. */
export const CELL_MIN_M = 50;
export const CELL_MAX_M = 5000;
/** The band may reach at most this many cell edges (cost grows with its square). */
export const BAND_MAX_CELLS = 20;
/** At most this many hexagons per answer (a 20 × 20 km municipality at 200 m has ~3 900). */
export const MAX_CELLS = 20_000;
/** The default band: 3.5 × the edge reaches the two nearest rings (centroids at √3·s, 3·s and 2√3·s ≈ 3.46·s). */
export const DEFAULT_BAND_FACTOR = 3.5;
/**
 * Most Gi* neighbour visits per answer (cells × neighbours within the band × slices): keeps one request's
 * statistics under about a second of event-loop time. 20 000 cells with the widest band fit once.
 */
export const MAX_GI_WORK = 30_000_000;

export interface GridOptions {
  /** Hexagon edge length, metres (EPSG:3006). */
  cell: number;
  /** Gi* distance band between centroids, metres; default 3.5 × cell. */
  band?: number;
}

/** A hexagon as the API returns it: WGS84 geometry, count (or "<5" when suppressed) and Gi*. */
export interface HotspotFeature {
  type: 'Feature';
  geometry: GeoJsonGeometry;
  properties: {
    i: number;
    j: number;
    count: number | '<5';
    z: number | null;
    p: number | null;
    p_fdr: number | null;
    class: GiStarClass;
  };
}

/**
 * Validates cell and band against the limits and the role's resolution (disclosure control: non-police roles
 * get fixed cell sizes and a band of at least two edges), checks the grid stays under MAX_CELLS and the Gi*
 * work under MAX_GI_WORK (`slices` Gi* runs); returns the band in metres.
 */
export async function validateGrid(db: Db, area: StudyArea, options: GridOptions, role: Role = 'public', slices = 1): Promise<number> {
  const { cell } = options;
  if (!(cell >= CELL_MIN_M && cell <= CELL_MAX_M)) throw badRequest('cell', `edge length must be ${CELL_MIN_M}–${CELL_MAX_M} m`);
  const band = options.band ?? DEFAULT_BAND_FACTOR * cell;
  if (!(band > 0 && band <= BAND_MAX_CELLS * cell)) throw badRequest('band', `must be > 0 and at most ${BAND_MAX_CELLS} × cell (${BAND_MAX_CELLS * cell} m)`);
  checkGridResolution(role, cell, band);
  const extent = await measureStudyArea(db, area);
  if (!extent) throw new AppError(404, 'NO_DISTRICTS', 'The municipality has no districts: the hotspot study area is its districts');
  // An upper bound on the hexagons of the bounding box: columns every 1.5·s, rows every √3·s.
  const estimate = (Math.ceil(extent.width / (1.5 * cell)) + 2) * (Math.ceil(extent.height / (Math.sqrt(3) * cell)) + 2);
  if (estimate > MAX_CELLS) {
    const smallest = Math.ceil(Math.sqrt((extent.width * extent.height) / (1.5 * Math.sqrt(3) * MAX_CELLS)));
    throw badRequest('cell', `${cell} m hexagons would make about ${estimate} cells over this area; at most ${MAX_CELLS} are allowed (use cell ≥ ${smallest})`);
  }
  // Neighbours within the band: the band's disc over one hexagon's area (3√3/2·s²), at most every cell.
  const neighbours = Math.min(estimate, (Math.PI * band * band) / (2.598 * cell * cell) + 1);
  if (estimate * neighbours * slices > MAX_GI_WORK) {
    throw badRequest(slices > 1 ? 'slices' : 'band', `too much work for one answer (${estimate} cells × ~${Math.round(neighbours)} neighbours${slices > 1 ? ` × ${slices} slices` : ''}): use a narrower band, a larger cell${slices > 1 ? ' or fewer slices' : ''}`);
  }
  return band;
}

// Where small counts are suppressed, the other counts (and the total) are rounded to 5 as well, so a
// lone "<5" cell cannot be recovered as the total minus the other cells (shared/suppression.ts).
function shownCount(count: number, suppressed: boolean): number | '<5' {
  return publishCount(count, suppressed) ?? '<5';
}

/**
 * The counts Gi* is computed from: the exact ones where the viewer sees exact counts, otherwise the published
 * ones (rounded to 5, hidden 1–4 as 2.5), so z and p carry no more than the counts shown beside them.
 */
export function giInputCounts(counts: readonly number[], suppressed: boolean): number[] {
  return suppressed ? counts.map((n) => statisticInput(publishCount(n, true))) : [...counts];
}

/** Gi* over a set of hexagons (centroids in metres) with the cells' counts. */
export function giStarForCells(cells: readonly HexCountRow[], counts: readonly number[], band: number) {
  return getisOrdGiStar(cells.map((c, k) => ({ x: c.x, y: c.y, count: counts[k] })), band);
}

/**
 * Hot and cold spots (SPEC §5): Getis–Ord Gi* over every hexagon of the study area (the
 * municipality's districts, or the `district` filter's subtree) including empty ones. Counts
 * are located incidents matching the filters; the caller's role and the categories' sensitivity decide
 * access, resolution and "<5" (server/features/disclosure).
 */
export async function getHotspots(db: Db, filters: IncidentFilters, role: Role, options: GridOptions) {
  const access = requireHotspotDisclosure(role, filters.categories);
  await assertDistrictInMunicipality(db, filters);
  const area: StudyArea = { municipality: filters.municipality, districtId: filters.districtId };
  const band = await validateGrid(db, area, options, role);
  const { cells } = await countPointsPerHexagon(db, area, options.cell, { kind: 'incidents', filters }, { slices: 1, withGeometry: true });
  const gi = giStarForCells(cells, giInputCounts(cells.map((c) => c.count), access.suppressed), band);
  return hotspotCollection(filters, options.cell, band, access.suppressed, cells, cells.map((c) => c.count), cells.map((c) => c.geometry!), gi);
}

/**
 * Hotspots for several filters and roles over the same grid (one municipality, same sources, no district), each
 * answer exactly what {@link getHotspots} gives for that request, from one grid and one pass over the incidents:
 * each incident is counted once under the bit mask of the requests it matches. A council meeting freezes the
 * hotspots of every disclosure tier this way.
 */
export async function getHotspotsForMany(db: Db, requests: readonly { filters: IncidentFilters; role: Role }[], options: GridOptions) {
  if (!requests.length) return [];
  if (requests.length > 4) throw new Error('at most 4 requests per grid pass');
  const first = requests[0].filters;
  const area: StudyArea = { municipality: first.municipality, districtId: null };
  const prepared = [];
  for (const { filters, role } of requests) {
    if (filters.municipality !== first.municipality || filters.districtId !== null || JSON.stringify(filters.sources) !== JSON.stringify(first.sources)) {
      throw new Error('requests of one grid pass must share municipality and sources and name no district');
    }
    prepared.push({ filters, access: requireHotspotDisclosure(role, filters.categories), band: await validateGrid(db, area, options, role) });
  }
  const slices = 2 ** requests.length;
  const { cells, sliceCounts } = await countPointsPerHexagon(db, area, options.cell, { kind: 'incident_masks', filtersList: requests.map((r) => r.filters) }, { slices, withGeometry: true });
  const geometries = cells.map((c) => c.geometry!);
  return prepared.map(({ filters, access, band }, t) => {
    const counts = cells.map((_, k) => {
      let n = 0;
      for (let mask = 1; mask < slices; mask++) if (mask & (2 ** t)) n += sliceCounts[mask][k];
      return n;
    });
    const gi = giStarForCells(cells, giInputCounts(counts, access.suppressed), band);
    return hotspotCollection(filters, options.cell, band, access.suppressed, cells, counts, geometries, gi);
  });
}

/** A hotspot answer: cells with their (shown) counts and Gi* results, and the total as the role may see it. */
function hotspotCollection(
  filters: IncidentFilters, cellM: number, band: number, suppressed: boolean,
  cells: readonly { i: number; j: number }[], counts: readonly number[], geometries: readonly string[], gi: ReturnType<typeof giStarForCells>,
) {
  const features: HotspotFeature[] = cells.map((c, k) => ({
    type: 'Feature',
    geometry: JSON.parse(geometries[k]),
    properties: { i: c.i, j: c.j, count: shownCount(counts[k], suppressed), z: gi[k].z, p: gi[k].p, p_fdr: gi[k].p_fdr, class: gi[k].class },
  }));
  return {
    type: 'FeatureCollection' as const,
    municipality: filters.municipality,
    period: { from: filters.from, to: filters.to },
    categories: filters.categories,
    cell_m: cellM,
    band_m: band,
    n_cells: cells.length,
    total: shownCount(counts.reduce((a, b) => a + b, 0), suppressed),
    method: GI_STAR_METHOD,
    features,
  };
}

/** The Gi* definition as stated in every hotspot answer. */
export const GI_STAR_METHOD =
  'Getis–Ord Gi* (Ord & Getis 1995): z_i = (Σ_j w_ij x_j − W_i x̄) / (s √((n W_i − W_i²)/(n − 1))), ' +
  'w_ij = 1 when centroid distance ≤ band (i itself included), s the population standard deviation over all n cells; ' +
  'two-sided normal p, Benjamini–Hochberg p_fdr over all cells; hot/cold 99/95/90 at p_fdr ≤ 0.01/0.05/0.10.';

/** Limits for emerging hotspots. */
export const SLICES_MIN = 3;
export const SLICES_MAX = 24;

/**
 * Slice boundaries: `slices` consecutive half-open periods of whole Stockholm days covering
 * [from, to); they are equal when the days divide evenly and differ by at most one day otherwise.
 */
export function sliceBounds(from: string, to: string, slices: number): string[] {
  const days = daysBetween(from, to);
  return Array.from({ length: slices + 1 }, (_, k) => addDays(from, Math.round((k * days) / slices)));
}

/** An emerging-hotspot hexagon: pattern plus the per-slice Gi* that decided it. */
export interface EmergingFeature {
  type: 'Feature';
  geometry: GeoJsonGeometry;
  properties: {
    i: number;
    j: number;
    count: number | '<5';
    pattern: EmergingPattern;
    slice_z: (number | null)[];
    slice_class: GiStarClass[];
    slice_counts: (number | '<5' | null)[];
  };
}

/**
 * Emerging hot spots: the period is split into `slices` equal slices, Gi* is computed per slice
 * over the same hexagons, and each cell is labelled by {@link emergingPattern} (new, intensifying,
 * persistent, diminishing, sporadic, no_pattern; Mann–Kendall on the cell's z across slices).
 */
export async function getEmergingHotspots(db: Db, filters: IncidentFilters, role: Role, options: GridOptions & { slices: number }) {
  const access = requireHotspotDisclosure(role, filters.categories);
  const { slices } = options;
  if (!(Number.isInteger(slices) && slices >= SLICES_MIN && slices <= SLICES_MAX)) throw badRequest('slices', `must be an integer ${SLICES_MIN}–${SLICES_MAX}`);
  if (daysBetween(filters.from, filters.to) < slices) throw badRequest('slices', 'each slice needs at least one day: widen the period or use fewer slices');
  await assertDistrictInMunicipality(db, filters);
  const area: StudyArea = { municipality: filters.municipality, districtId: filters.districtId };
  const band = await validateGrid(db, area, options, role, slices);
  const dates = sliceBounds(filters.from, filters.to, slices);
  const bounds = sql`ARRAY[${sql.join(dates.map((d) => stockholmMidnight(d)))}]::timestamptz[]`;
  const points: HexPoints = { kind: 'incident_slices', filters, bounds };
  const { cells, sliceCounts } = await countPointsPerHexagon(db, area, options.cell, points, { slices, withGeometry: true });
  const perSlice = sliceCounts.map((counts) => giStarForCells(cells, giInputCounts(counts, access.suppressed), band));
  const features: EmergingFeature[] = cells.map((c, k) => {
    const z = perSlice.map((g) => g[k].z);
    const classes = perSlice.map((g) => g[k].class);
    return {
      type: 'Feature',
      geometry: JSON.parse(c.geometry!),
      properties: {
        i: c.i, j: c.j,
        count: shownCount(c.count, access.suppressed),
        pattern: emergingPattern(classes, z),
        // Per-slice counts and z are small numbers whose sums and differences over slices, cells and shifted
        // periods would undo rounding: where counts are suppressed only the classes and the pattern leave.
        slice_z: access.suppressed ? z.map(() => null) : z,
        slice_class: classes,
        slice_counts: sliceCounts.map((s) => (access.suppressed ? null : s[k])),
      },
    };
  });
  return {
    type: 'FeatureCollection' as const,
    municipality: filters.municipality,
    period: { from: filters.from, to: filters.to },
    slices: dates.slice(0, -1).map((d, k) => ({ from: d, to: dates[k + 1] })),
    categories: filters.categories,
    cell_m: options.cell,
    band_m: band,
    n_cells: cells.length,
    method: `${GI_STAR_METHOD} Per slice; patterns: new = hot in the final slice only; with hot in ≥ 90 % of slices, Mann–Kendall (α 0.05) on z gives intensifying (up, final hot), diminishing (down, final hot) or persistent (no trend); sporadic = hot in the final slice and some earlier but < 90 %; else no_pattern.`,
    features,
  };
}

/** A hexagon with incident and unsafe-place-mark counts (raw) and the Gi* class of each (from published counts). */
export interface CellLayers {
  i: number;
  j: number;
  geometry: GeoJsonGeometry;
  incidents: number;
  incident_class: GiStarClass;
  marks: number;
  mark_class: GiStarClass;
}

/**
 * Incident and unsafe-place-mark hot spots on the same hexagons (for the säkerhet–trygghet gap).
 * Checks hotspot access for the role; counts are raw, so the caller applies "<5" where needed.
 */
export async function getIncidentAndMarkCells(db: Db, filters: IncidentFilters, role: Role, options: GridOptions & { surveyId: number | null }) {
  const access = requireHotspotDisclosure(role, filters.categories);
  await assertDistrictInMunicipality(db, filters);
  const area: StudyArea = { municipality: filters.municipality, districtId: filters.districtId };
  const band = await validateGrid(db, area, options, role);
  const incidents = await countPointsPerHexagon(db, area, options.cell, { kind: 'incidents', filters }, { slices: 1, withGeometry: true });
  const marks = await countPointsPerHexagon(db, area, options.cell, { kind: 'marks', municipality: filters.municipality, surveyId: options.surveyId }, { slices: 1, withGeometry: false });
  const incidentGi = giStarForCells(incidents.cells, giInputCounts(incidents.cells.map((c) => c.count), access.suppressed), band);
  const markGi = giStarForCells(marks.cells, marks.cells.map((c) => c.count), band);
  const cells: CellLayers[] = incidents.cells.map((c, k) => ({
    i: c.i, j: c.j, geometry: JSON.parse(c.geometry!),
    incidents: c.count, incident_class: incidentGi[k].class,
    marks: marks.cells[k].count, mark_class: markGi[k].class,
  }));
  return { cells, band, suppressed: access.suppressed };
}
