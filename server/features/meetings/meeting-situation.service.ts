import { CATEGORY_BY_CODE } from '../../../shared/categories.ts';
import { aggregateAccess, type Role } from '../../../shared/roles.ts';
import type { Db } from '../../infra/db.ts';
import { AppError } from '../../infra/errors.ts';
import type { Viewer } from '../auth/viewer.ts';
import { hotspotDisclosure } from '../disclosure/index.ts';
import { getDiscrepancy } from '../discrepancy/discrepancy.service.ts';
import { getDistrictStats } from '../districts/district-stats.service.ts';
import { getHotspotsForMany } from '../hotspots/hotspots.service.ts';
import { resolveIncidentFilters, type IncidentFilters } from '../incidents/incident-filters.ts';
import type { ShareResult } from '../surveys/survey-indicators.ts';
import { getSurveyIndicators, listSurveysFor, type SurveyReads } from '../surveys/surveys.service.ts';
import { getDistrictTimePatterns } from '../time-patterns/time-patterns.service.ts';
import { districtsContainingPoints, listActivePromisesIn, listDistrictsById, listOpenActionsIn, type MeetingFilters } from './meetings.queries.ts';

/**
 * The disclosure tiers a snapshot is frozen for: every role that may read council meetings. Each tier's
 * numbers come from the live services called as that role, so a snapshot never shows a reader more than
 * the live view would have.
 */
export const SNAPSHOT_TIERS = ['council', 'planner', 'analyst', 'police'] as const;
export type SnapshotTier = (typeof SNAPSHOT_TIERS)[number];

/** Hexagon edge (m) of the hotspot analysis summarised per district. */
export const MEETING_HOTSPOT_CELL_M = 200;
/** At most this many hot cells are listed per district (the strongest first). */
const TOP_CELLS = 5;

export interface SituationInput {
  municipality: string;
  district_ids: number[];
  filters: MeetingFilters;
}

const share = (s: ShareResult | undefined | null) => (s && !s.suppressed ? { share: s.share, low: s.low, high: s.high, n: s.n } : null);

function tierViewer(role: Role, municipality: string): Viewer {
  return { role, userId: null, tokenId: null, municipalityCodes: [municipality] };
}

function centroidOf(geometry: { type: string; coordinates: unknown[] }): { lon: number; lat: number } {
  const ring = (geometry.type === 'Polygon' ? geometry.coordinates[0] : (geometry.coordinates[0] as unknown[])[0]) as number[][];
  const pts = ring.slice(0, -1);
  return { lon: pts.reduce((s, p) => s + p[0], 0) / pts.length, lat: pts.reduce((s, p) => s + p[1], 0) / pts.length };
}

/** Memoises a service answer by its arguments: tiers with the same filters get the very same numbers. */
function memo<T>() {
  const cache = new Map<string, Promise<T>>();
  return (key: unknown, compute: () => Promise<T>) => {
    const k = JSON.stringify(key);
    let hit = cache.get(k);
    if (!hit) {
      hit = compute();
      cache.set(k, hit);
    }
    return hit;
  };
}

/**
 * The situation picture of a meeting's districts for each requested tier: per district the trend with
 * its exact test, monthly series and weekday × hour, a hotspot summary, survey results by gender and
 * age group, the säkerhet–trygghet class and the open actions and promises there. Numbers are the live
 * services' answers for that role (SPEC §5, §6); a tier that may see no incident aggregates gets null parts.
 */
export async function computeSituation(db: Db, input: SituationInput, tiers: readonly Role[]) {
  const { municipality } = input;
  const districts = new Map((await listDistrictsById(db, municipality, input.district_ids)).map((d) => [d.id, d]));
  const ordered = input.district_ids.filter((id) => districts.has(id)).map((id) => districts.get(id)!);
  const kinds = [...new Set(ordered.map((d) => d.kind))];
  const surveyRow = (await listSurveysFor(db, tierViewer('analyst', municipality), municipality)).surveys[0] ?? null;
  const [actions, promises] = await Promise.all([listOpenActionsIn(db, municipality, input.district_ids), listActivePromisesIn(db, municipality, input.district_ids)]);

  const statsMemo = memo<Awaited<ReturnType<typeof getDistrictStats>>>();
  const discrepancyMemo = memo<Awaited<ReturnType<typeof getDiscrepancy>>>();
  const surveyMemo = memo<Awaited<ReturnType<typeof getSurveyIndicators>>>();
  // Survey answers do not depend on the tier: the survey, labels and responses are read once for every table.
  const surveyReads: SurveyReads = new Map();

  // Survey shares do not depend on the role (groups under 10 are hidden for everyone): one answer per table.
  const surveyTable = (kind: string, by: ('district' | 'gender' | 'age_group')[]) =>
    surveyMemo({ kind, by }, () => getSurveyIndicators(db, tierViewer('analyst', municipality), surveyRow!.id, { by, level: kind, reads: surveyReads }));

  /** Per agenda district: hot/cold cell counts and the strongest hot cells of one hotspot answer. */
  async function summariseHotspots(answer: Awaited<ReturnType<typeof getHotspotsForMany>>[number]) {
    const hot = answer.features.filter((f) => f.properties.class !== 'ns');
    const centroids = hot.map((f) => centroidOf(f.geometry));
    const inDistrict = await districtsContainingPoints(db, municipality, input.district_ids, centroids);
    const perDistrict = new Map<number, { counts: Record<string, number>; top: unknown[] }>();
    for (const id of input.district_ids) {
      const cells = (inDistrict.get(id) ?? []).map((k) => ({ f: hot[k], c: centroids[k] }));
      const counts: Record<string, number> = { hot99: 0, hot95: 0, hot90: 0, cold90: 0, cold95: 0, cold99: 0 };
      for (const { f } of cells) counts[f.properties.class] += 1;
      const top = cells
        .filter(({ f }) => f.properties.class.startsWith('hot'))
        .sort((a, b) => (b.f.properties.z ?? 0) - (a.f.properties.z ?? 0))
        .slice(0, TOP_CELLS)
        .map(({ f, c }) => ({ lon: Number(c.lon.toFixed(5)), lat: Number(c.lat.toFixed(5)), count: f.properties.count, z: f.properties.z, class: f.properties.class }));
      perDistrict.set(id, { counts, top });
    }
    return perDistrict;
  }

  async function tierFilters(role: Role): Promise<IncidentFilters | null> {
    const viewer = tierViewer(role, municipality);
    const asked = input.filters.categories;
    const visible = asked?.filter((c) => CATEGORY_BY_CODE.has(c) && aggregateAccess(role, CATEGORY_BY_CODE.get(c)!.sensitivity) !== null);
    if (asked && !visible!.length) return null;
    try {
      return await resolveIncidentFilters(db, { municipality, from: input.filters.from, to: input.filters.to, category: visible?.join(',') }, viewer);
    } catch (error) {
      if (!(error instanceof AppError && error.status === 403)) throw error;
      return null;
    }
  }

  // Each tier's filters first, so the per-district time patterns of every distinct filter set come from one pass.
  const filtersByTier = new Map<Role, IncidentFilters | null>();
  for (const role of tiers) filtersByTier.set(role, await tierFilters(role));
  const distinctFilters = [...new Map([...filtersByTier.values()].filter((f): f is IncidentFilters => f !== null).map((f) => [JSON.stringify(f), f])).values()];
  const timePatterns = await getDistrictTimePatterns(db, distinctFilters, ordered.map((d) => d.id));
  const timesOf = new Map(distinctFilters.map((f, k) => [JSON.stringify(f), timePatterns[k]]));

  // Hotspots: one grid and one pass over the incidents for every distinct (filters, suppression) of the tiers.
  // getHotspots reads the categories, period and the role's suppression, not filters.suppress, so tiers that
  // differ only there (council and planner both see rounded counts of open categories) share one Gi* run.
  const hotspotKey = (f: IncidentFilters, suppressed: boolean) => {
    const { suppress: _, ...asked } = f;
    return JSON.stringify({ asked, suppressed });
  };
  const hotspotRequests = new Map<string, { filters: IncidentFilters; role: Role }>();
  for (const role of tiers) {
    const f = filtersByTier.get(role);
    const access = f ? hotspotDisclosure(role, f.categories) : null;
    if (f && access && !hotspotRequests.has(hotspotKey(f, access.suppressed))) hotspotRequests.set(hotspotKey(f, access.suppressed), { filters: { ...f, districtId: null }, role });
  }
  const hotspotsOf = new Map<string, Map<number, { counts: Record<string, number>; top: unknown[] }> | null>();
  let answers: Awaited<ReturnType<typeof getHotspotsForMany>> | null = null;
  try {
    answers = await getHotspotsForMany(db, [...hotspotRequests.values()], { cell: MEETING_HOTSPOT_CELL_M });
  } catch (error) {
    if (!(error instanceof AppError && error.status < 500)) throw error;
  }
  for (const [k, key] of [...hotspotRequests.keys()].entries()) hotspotsOf.set(key, answers ? await summariseHotspots(answers[k]) : null);
  const hotspotSummary = (f: IncidentFilters, role: Role) => {
    const access = hotspotDisclosure(role, f.categories);
    return access ? (hotspotsOf.get(hotspotKey(f, access.suppressed)) ?? null) : null;
  };

  async function tierSituation(role: Role) {
    const viewer = tierViewer(role, municipality);
    const filters = filtersByTier.get(role) ?? null;
    const statsByKind = new Map<string, Awaited<ReturnType<typeof getDistrictStats>>>();
    const discrepancyByKind = new Map<string, Awaited<ReturnType<typeof getDiscrepancy>>>();
    if (filters) {
      for (const kind of kinds) {
        const stats = await statsMemo({ filters, kind }, () => getDistrictStats(db, filters!, { compare: 'previous', level: kind }));
        statsByKind.set(kind, stats);
        discrepancyByKind.set(kind, await discrepancyMemo({ filters, kind }, () =>
          getDiscrepancy(db, viewer, filters!, { level: kind, cells: false, cell: MEETING_HOTSPOT_CELL_M }, { districtStats: stats, surveyReads })));
      }
    }
    const hotspots = filters ? hotspotSummary(filters, role) : null;
    const times = filters ? timesOf.get(JSON.stringify(filters))! : null;
    const anyStats = statsByKind.values().next().value;

    const out = [];
    for (const d of ordered) {
      const stat = statsByKind.get(d.kind)?.districts.find((s) => s.id === d.id) ?? null;
      const time = times?.get(d.id) ?? null;
      const disc = discrepancyByKind.get(d.kind)?.districts.find((s) => s.id === d.id) ?? null;
      let survey = null;
      if (surveyRow) {
        const [own, byGender, byAge] = await Promise.all([
          surveyTable(d.kind, ['district']), surveyTable(d.kind, ['district', 'gender']), surveyTable(d.kind, ['district', 'age_group']),
        ]);
        const mine = <G extends { key: { district_id?: number | null } }>(groups: G[]) => groups.filter((g) => g.key.district_id === d.id);
        const indicators = (g: { n: number | null; suppressed: boolean; indicators: Awaited<ReturnType<typeof getSurveyIndicators>>['overall']['indicators'] }) => ({
          n: g.n, suppressed: g.suppressed,
          otrygg: share(g.indicators?.otrygg), avstar_aktivitet: share(g.indicators?.avstar_aktivitet), oro_brott: share(g.indicators?.oro_brott),
          trygghetsindex: g.indicators && !g.indicators.trygghetsindex.suppressed ? g.indicators.trygghetsindex.value : null,
        });
        const ownGroup = mine(own.groups)[0];
        survey = {
          district: ownGroup ? indicators(ownGroup) : { n: null, suppressed: true, otrygg: null, avstar_aktivitet: null, oro_brott: null, trygghetsindex: null },
          by_gender: mine(byGender.groups).map((g) => ({ gender: g.key.gender ?? null, ...indicators(g) })),
          by_age_group: mine(byAge.groups).map((g) => ({ age_group: g.key.age_group ?? null, ...indicators(g) })),
        };
      }
      out.push({
        id: d.id, name: d.name, kind: d.kind, population: d.population,
        stats: stat && {
          count: stat.count, rate_per_1000: stat.rate_per_1000, previous_count: stat.previous_count, change_pct: stat.change_pct,
          change_significant: stat.change_significant, p_value: stat.p_value, suppressed: stat.suppressed, suppression: stat.suppression,
        },
        time: time && { total: time.total, monthly: time.monthly, weekday_hour: time.weekday_hour, suppressed_cells: time.suppressed_cells },
        hotspots: hotspots?.get(d.id) ?? null,
        survey,
        discrepancy: disc && { class: disc.class, incident_level: disc.incident_level, perceived_level: disc.perceived_level, share_otrygg: disc.share_otrygg, perceived_measure: disc.perceived_measure },
        open_actions: actions.filter((a) => a.district_ids.map(Number).includes(d.id)).map(({ district_ids: _, ...a }) => a),
        promises: promises.filter((p) => p.district_ids.map(Number).includes(d.id)).map(({ district_ids: _, ...p }) => p),
      });
    }
    return {
      tier: role,
      period: { from: input.filters.from, to: input.filters.to },
      comparison: anyStats?.comparison ?? null,
      categories: filters?.categories ?? [],
      suppressed_small_counts: filters?.suppress ?? null,
      survey: surveyRow ? { id: surveyRow.id, name: surveyRow.name } : null,
      hotspot_cell_m: hotspots ? MEETING_HOTSPOT_CELL_M : null,
      notes: filters && filters.categories.some((c) => CATEGORY_BY_CODE.get(c)?.policeInitiated)
        ? ['narkotika and langning are mostly police-initiated (spaningsbrott): their counts measure police activity as much as crime.']
        : [],
      districts: out,
    };
  }

  const result: Record<string, Awaited<ReturnType<typeof tierSituation>>> = {};
  for (const role of tiers) result[role] = await tierSituation(role);
  return result;
}

/** The situation of one tier, as computed for a snapshot or the live view. */
export type Situation = Awaited<ReturnType<typeof computeSituation>>[string];
