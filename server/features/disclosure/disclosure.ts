import { CATEGORY_BY_CODE, type Sensitivity } from '../../../shared/categories.ts';
import { aggregateAccess, hotspotAccess, SUPPRESSION_THRESHOLD, type Role } from '../../../shared/roles.ts';
import { roundCount } from '../../../shared/suppression.ts';
import { AppError, badRequest } from '../../infra/errors.ts';

/**
 * Disclosure control: the one path every published number leaves through (docs/security.md, "Disclosure
 * control"). It knows the viewer's role, the sensitivity of every category in the answer and the geometry
 * the number describes, and decides resolution (areas, cells, periods) and what is shown of each count.
 *
 * The rules, in short, for every role but police (police see exact numbers at any resolution):
 * - counts of 1–4 are hidden and every other count rounded to 5 where the role's access to one of the
 *   answer's categories is suppressed (SPEC §6); an answer whose total is hidden is hidden whole;
 * - a drawn area is answered as the fixed 500 m SWEREF 99 TM grid cells whose centres it covers (never
 *   finer), and refused when smaller than 0.25 km²;
 * - hotspot hexagons only in the fixed edge lengths {@link HOTSPOT_CELL_SIZES_M} (ST_HexagonGrid's origin is
 *   fixed at 0, 0), with a band of at least two edges, and Gi* computed from the published counts;
 * - a period containing a restricted or protected category whose counts are suppressed is widened to whole
 *   calendar months, so sliding `to` one day at a time cannot expose one incident's day.
 */

/** What one viewer may see of one answer. */
export interface Disclosure {
  role: Role;
  /** Police: exact numbers at every resolution. */
  exact: boolean;
  /** Counts 1–4 hidden, others rounded to 5 (some category of the answer is suppressed for the role). */
  suppress: boolean;
}

/** The finest spatial unit of a drawn-area aggregate for non-police roles: a square cell of this edge (m, EPSG:3006, origin 0, 0). */
export const AREA_GRID_M = 500;
/** Smallest drawn area answered for non-police roles, km² (one 500 m cell). */
export const MIN_AREA_KM2 = 0.25;
/** Hexagon edge lengths (m) non-police roles may ask for: a fixed set on ST_HexagonGrid's fixed origin, so grids cannot be shifted. */
export const HOTSPOT_CELL_SIZES_M = [200, 250, 500, 1000, 2500, 5000] as const;
/** The Gi* band must reach at least this many hexagon edges for non-police roles (band → 0 makes z an affine copy of the count). */
export const MIN_BAND_CELLS = 2;
/** What a hidden count (1–4) stands for where a statistic is computed from published counts. */
export const HIDDEN_COUNT_STAND_IN = 2.5;

/** The disclosure of an answer over these categories for this role (categories already allowed by aggregate access). */
export function disclosureFor(role: Role, categories: readonly string[]): Disclosure {
  const suppress = categories.some((c) => aggregateAccess(role, sensitivityOf(c))?.suppressed ?? true);
  return { role, exact: role === 'police', suppress };
}

function sensitivityOf(code: string): Sensitivity {
  return CATEGORY_BY_CODE.get(code)?.sensitivity ?? 'protected';
}

/** A count as published: exact, or null for 1–4 and rounded to 5 otherwise where suppression applies. */
export function publishCount(count: number, suppress: boolean): number | null {
  if (!suppress) return count;
  if (count > 0 && count < SUPPRESSION_THRESHOLD) return null;
  return roundCount(count);
}

/** Whether an answer with this total must be hidden whole (its total would be "<5"). */
export function answerHidden(total: number, suppress: boolean): boolean {
  return suppress && total > 0 && total < SUPPRESSION_THRESHOLD;
}

/** The number a statistic (Gi*, a rate) uses for a published count: hidden counts stand in as 2.5. */
export function statisticInput(published: number | null): number {
  return published === null ? HIDDEN_COUNT_STAND_IN : published;
}

/**
 * Hotspot access with category sensitivity: the role must have hotspot access at all (SPEC §6) and counts
 * are suppressed exactly as district aggregates of the same categories are (or always for council).
 */
export function hotspotDisclosure(role: Role, categories: readonly string[]): { suppressed: boolean } | null {
  const base = hotspotAccess(role);
  if (!base) return null;
  if (!categories.every((c) => aggregateAccess(role, sensitivityOf(c)) !== null)) return null;
  return { suppressed: base.suppressed || disclosureFor(role, categories).suppress };
}

/** Throws a 403 unless the role may see hotspot cells of these categories; returns the suppression. */
export function requireHotspotDisclosure(role: Role, categories: readonly string[]): { suppressed: boolean } {
  const access = hotspotDisclosure(role, categories);
  if (!access) throw new AppError(403, 'FORBIDDEN', 'Your role may not see hotspot cells (SPEC §6)');
  return access;
}

/** Checks a hexagon edge and band against the role's resolution (400 naming `cell` or `band`). */
export function checkGridResolution(role: Role, cell: number, band: number): void {
  if (role === 'police') return;
  if (!(HOTSPOT_CELL_SIZES_M as readonly number[]).includes(cell)) {
    throw badRequest('cell', `must be one of ${HOTSPOT_CELL_SIZES_M.join(', ')} m for your role (a fixed grid)`);
  }
  if (!(band >= MIN_BAND_CELLS * cell)) throw badRequest('band', `must be at least ${MIN_BAND_CELLS} × cell (${MIN_BAND_CELLS * cell} m) for your role`);
}

/** Whether a drawn area is answered on the 500 m grid (every role but police). */
export function snapsAreas(role: Role): boolean {
  return role !== 'police';
}

/** Throws a 400 naming `area` when a non-police role draws an area smaller than {@link MIN_AREA_KM2}. */
export function checkAreaSize(role: Role, areaKm2: number): void {
  if (!snapsAreas(role)) return;
  if (!(areaKm2 >= MIN_AREA_KM2)) {
    throw badRequest('area', `smaller than ${MIN_AREA_KM2} km² (${areaKm2.toFixed(3)} km²): draw a larger area or choose a district`);
  }
}

/**
 * The period a role is answered for: where a restricted or protected category of the answer is suppressed for
 * a non-police role, [from, to) is widened to whole calendar months (from to the 1st of its month, to to the 1st
 * of the next month unless it is a 1st already). Otherwise unchanged.
 */
export function disclosedPeriod(role: Role, categories: readonly string[], from: string, to: string): { from: string; to: string; widened: boolean } {
  const needs = role !== 'police' && categories.some((c) => {
    const s = sensitivityOf(c);
    return s !== 'open' && (aggregateAccess(role, s)?.suppressed ?? false);
  });
  if (!needs) return { from, to, widened: false };
  const wFrom = `${from.slice(0, 7)}-01`;
  const wTo = to.slice(8) === '01' ? to : nextMonthStart(to);
  return { from: wFrom, to: wTo, widened: wFrom !== from || wTo !== to };
}

function nextMonthStart(date: string): string {
  const [y, m] = date.split('-').map(Number);
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/** A note every widened answer carries, so the reader knows why the period differs from the one asked for. */
export const WIDENED_PERIOD_NOTE = 'The period was widened to whole months: restricted and protected categories are published by month only for your role.';
