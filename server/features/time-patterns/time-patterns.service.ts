import { CATEGORY_BY_CODE } from '../../../shared/categories.ts';
import type { Role } from '../../../shared/roles.ts';
import type { Db } from '../../infra/db.ts';
import { badRequest } from '../../infra/errors.ts';
import { answerHidden, checkAreaSize, measureDrawnAreaKm2, publishCount, snapsAreas, WIDENED_PERIOD_NOTE, AREA_GRID_M } from '../disclosure/index.ts';
import { assertDistrictInMunicipality, type DrawnArea } from '../incidents/incident-filter-sql.ts';
import type { IncidentFilters } from '../incidents/incident-filters.ts';
import { countIncidentsByTime, countIncidentsByTimePerDistrict, type TimeCounts } from './time-patterns.queries.ts';

/** Row labels of the weekday × hour matrix: Monday first (ISO 8601, as Swedish calendars are). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** Categories whose counts mostly measure police activity (spaningsbrott), flagged in every view. */
const POLICE_INITIATED_NOTE = 'narkotika and langning are mostly police-initiated (spaningsbrott): their counts measure police activity as much as crime.';

/** Every 'YYYY-MM' month touched by the half-open period [from, to). */
export function monthsOfPeriod(from: string, to: string): string[] {
  const months: string[] = [];
  let [y, m] = from.split('-').map(Number);
  const last = to.slice(8) === '01' ? prevMonth(to.slice(0, 7)) : to.slice(0, 7);
  for (;;) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    if (key > last) break;
    months.push(key);
    m += 1;
    if (m === 13) { m = 1; y += 1; }
  }
  return months;
}

function prevMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/**
 * Time patterns (SPEC §5): a 7 × 24 weekday × hour matrix (Monday first, Europe/Stockholm local
 * time), a monthly series with every month of the period, and an årshjul (calendar month ×
 * category, summed over years). Municipality-wide they count every incident, located or not; with
 * a district or a drawn area only the located ones inside. Every number goes through disclosure
 * control for `role` (server/features/disclosure): for every role but police a drawn area is answered
 * on the fixed 500 m grid and refused below 0.25 km²; where suppression applies, counts of 1–4 are
 * null, the rest rounded to 5, an answer whose total is 1–4 is hidden whole and the årshjul names no
 * category whose own count is hidden. Without a role the caller gets the non-police rules.
 */
export async function getTimePatterns(db: Db, filters: IncidentFilters, area: DrawnArea | null, role: Role = 'public') {
  if (area && filters.districtId !== null) throw badRequest('area', 'give either a district or a drawn area, not both');
  if (area) checkAreaSize(role, await measureDrawnAreaKm2(db, area));
  await assertDistrictInMunicipality(db, filters);
  const counts = await countIncidentsByTime(db, filters, area, { snapped: snapsAreas(role) });
  return publishTimePatterns(filters, area !== null, role, counts, counts.unlocated ?? null);
}

/**
 * The time patterns of several districts under several filters (one municipality, same sources) at once:
 * entry k of the answer maps each district to exactly what {@link getTimePatterns} answers for
 * `{...filtersList[k], districtId}` without an area, all from one pass over the incidents instead of one
 * query per district and filters (a council meeting shows a dozen districts for four disclosure tiers).
 * Districts not in the municipality are left out.
 */
export async function getDistrictTimePatterns(db: Db, filtersList: readonly IncidentFilters[], districtIds: readonly number[]) {
  const perFilters = await countIncidentsByTimePerDistrict(db, filtersList, districtIds);
  return perFilters.map((perDistrict, k) => {
    const out = new Map<number, ReturnType<typeof publishTimePatterns>>();
    for (const [id, counts] of perDistrict) out.set(id, publishTimePatterns({ ...filtersList[k], districtId: id }, false, 'public', counts, null));
    return out;
  });
}

/** Builds the published answer from raw counts: every number through disclosure control (see getTimePatterns). */
function publishTimePatterns(filters: IncidentFilters, hasArea: boolean, role: Role, counts: TimeCounts, unlocated: number | null) {
  const weekdayHour = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  const monthly = new Map(monthsOfPeriod(filters.from, filters.to).map((m) => [m, 0]));
  const wheel = new Map(filters.categories.map((c) => [c, new Array<number>(12).fill(0)]));
  let total = 0;
  for (const r of counts.how) {
    weekdayHour[Math.floor(r.how / 24)][r.how % 24] += r.n;
    total += r.n;
  }
  for (const r of counts.months) {
    const key = `${Math.floor(r.month / 12)}-${String((r.month % 12) + 1).padStart(2, '0')}`;
    monthly.set(key, (monthly.get(key) ?? 0) + r.n);
    wheel.get(r.category_code)![r.month % 12] += r.n;
  }
  // A total of 1–4 hides the whole answer: its cells would otherwise say when (and, with an area, where) they were.
  const hiddenWhole = answerHidden(total, filters.suppress);
  let suppressedCells = 0;
  const show = (n: number): number | null => {
    // In a hidden answer zeros are hidden too, or the non-zero cells would stand out.
    const published = hiddenWhole ? null : publishCount(n, filters.suppress);
    if (published === null) suppressedCells += 1;
    return published;
  };
  const notes = filters.categories.some((c) => CATEGORY_BY_CODE.get(c)?.policeInitiated) ? [POLICE_INITIATED_NOTE] : [];
  if (filters.periodWidened) notes.push(WIDENED_PERIOD_NOTE);
  if (hasArea && snapsAreas(role)) notes.push(`The area is counted as the ${AREA_GRID_M} m grid cells whose centres it covers.`);
  return {
    municipality: filters.municipality,
    period: { from: filters.from, to: filters.to },
    scope: hasArea ? ('area' as const) : filters.districtId !== null ? ('district' as const) : ('municipality' as const),
    district: filters.districtId,
    categories: filters.categories,
    time_zone: 'Europe/Stockholm',
    total: show(total),
    unlocated: unlocated === null ? null : show(unlocated),
    weekdays: [...WEEKDAYS],
    weekday_hour: weekdayHour.map((row) => row.map(show)),
    monthly: [...monthly].map(([month, count]) => ({ month, count: show(count) })),
    arshjul: {
      months: Array.from({ length: 12 }, (_, k) => k + 1),
      // A category is named only when its own count in the answer would be published: naming it says it occurred.
      categories: hiddenWhole ? [] : [...wheel]
        .filter(([, counts]) => {
          const own = counts.reduce((a, b) => a + b, 0);
          return own > 0 && publishCount(own, filters.suppress) !== null;
        })
        .map(([code, counts]) => ({ code, name_sv: CATEGORY_BY_CODE.get(code)!.sv, counts: counts.map(show) })),
    },
    suppressed_cells: suppressedCells,
    notes,
  };
}
