import { CATEGORY_BY_CODE } from '../../../shared/categories.ts';
import { SUPPRESSION_THRESHOLD } from '../../../shared/roles.ts';
import type { Db } from '../../infra/db.ts';
import { PUBLIC_VIEWER } from '../auth/viewer.ts';
import { publishCount } from '../disclosure/disclosure.ts';
import { getDistrictStats } from '../districts/district-stats.service.ts';
import { resolveIncidentFilters } from '../incidents/incident-filters.ts';
import { resolveMunicipality } from '../municipalities/municipalities.service.ts';
import { districtNames, listPromiseCommitments, listPromiseIndicators, listPublishedPromises } from './public.queries.ts';

/** An indicator value that is a small count (a whole number 1–4) is not published. */
function publicValue(v: number | null): { value: number | null; suppressed: boolean } {
  if (v !== null && Number.isInteger(v) && v > 0 && v < SUPPRESSION_THRESHOLD) return { value: null, suppressed: true };
  return { value: v, suppressed: false };
}

/**
 * A measured count (baseline, follow-up) as the public gets every count: 1–4 hidden and the rest rounded to 5,
 * so a promise's area count and the public district counts cannot be subtracted into a hidden one. Survey
 * shares (fractions) are published as they are; targets are commitments, not data, and only lose small counts.
 */
function publicMeasuredValue(v: number | null): { value: number | null; suppressed: boolean } {
  if (v === null || !Number.isInteger(v)) return { value: v, suppressed: false };
  const count = publishCount(v, true);
  return { value: count, suppressed: count === null };
}

/** An indicator keyed by a restricted or protected category never reaches the public; survey shares and open categories do. */
function publicIndicator(key: string): boolean {
  const category = CATEGORY_BY_CODE.get(key);
  return !category || category.sensitivity === 'open';
}

const day = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString().slice(0, 10));

/**
 * Published citizen promises as the public may see them: title, area, period, problems, commitments and
 * indicators — never internal notes, evidence or who drafted them; small-count indicator values hidden.
 */
export async function getPublicPromises(db: Db, municipalityCode: string | undefined) {
  const municipality = await resolveMunicipality(db, municipalityCode, PUBLIC_VIEWER);
  const promises = await listPublishedPromises(db, municipality);
  const ids = promises.map((p) => p.id);
  const [commitments, indicators, names] = await Promise.all([
    listPromiseCommitments(db, municipality, ids), listPromiseIndicators(db, municipality, ids), districtNames(db, municipality),
  ]);
  return {
    municipality,
    promises: promises.map((p) => ({
      id: p.id,
      municipality,
      title: p.title,
      area: { district_ids: p.district_ids.map(Number), district_names: p.district_ids.map((id) => names.get(Number(id)) ?? '') },
      period_start: p.period_start,
      period_end: p.period_end,
      problems: ((typeof p.problems === 'string' ? JSON.parse(p.problems) : p.problems) as unknown[]).map(String),
      commitments: commitments.filter((c) => c.promise_id === p.id).map((c) => ({ actor: c.actor, text: c.text, responsible: c.responsible })),
      // The public sees open categories only (SPEC §6): restricted or protected indicators never leave.
      indicators: indicators.filter((i) => i.promise_id === p.id && publicIndicator(i.key)).map((i) => {
        const baseline = publicMeasuredValue(i.baseline), target = publicValue(i.target), followup = publicMeasuredValue(i.followup);
        return {
          key: i.key, baseline: baseline.value, target: target.value, followup: followup.value,
          suppressed: baseline.suppressed || target.suppressed || followup.suppressed,
        };
      }),
      status: p.status,
      published_at: day(p.published_at),
      followed_up_at: day(p.followed_up_at),
    })),
  };
}

/**
 * District trends for the public: open categories only, this period against the same period a year
 * earlier, with the public's small-count protection (suppressed, complementary, rounded).
 */
export async function getPublicTrends(db: Db, input: { municipality?: string; from?: string; to?: string; category?: string; level?: string }) {
  const filters = await resolveIncidentFilters(db, { municipality: input.municipality, from: input.from, to: input.to, category: input.category }, PUBLIC_VIEWER);
  const stats = await getDistrictStats(db, filters, { compare: 'year', level: input.level });
  return {
    municipality: stats.municipality,
    period: stats.period,
    comparison: { from: stats.comparison.from, to: stats.comparison.to },
    level: stats.level,
    categories: stats.categories,
    districts: stats.districts.map((d) => ({
      id: d.id, name: d.name, kind: d.kind, parent_id: d.parent_id,
      count: d.count, previous_count: d.previous_count, rate_per_1000: d.rate_per_1000,
      trend: d.change_significant === null ? null : !d.change_significant ? ('stable' as const) : (d.change_pct ?? 1) > 0 ? ('up' as const) : ('down' as const),
      suppressed: d.suppressed,
      suppression: d.suppression,
    })),
  };
}
