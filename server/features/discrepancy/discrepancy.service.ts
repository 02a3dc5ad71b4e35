import type { DiscrepancyClassName } from '../../../shared/constants.ts';
import type { Db } from '../../infra/db.ts';
import { badRequest } from '../../infra/errors.ts';
import type { Viewer } from '../auth/viewer.ts';
import { publishCount } from '../disclosure/index.ts';
import { getDistrictStats } from '../districts/district-stats.service.ts';
import { getIncidentAndMarkCells, type GridOptions } from '../hotspots/hotspots.service.ts';
import type { IncidentFilters } from '../incidents/incident-filters.ts';
import { districtOtryggForClassification, getSurveyIndicators, listSurveysFor, resolveSurvey, type SurveyReads } from '../surveys/surveys.service.ts';
import { countMarksByDistrict } from './discrepancy.queries.ts';

/** The four säkerhet–trygghet classes, plus districts the data cannot classify. */
export type DiscrepancyClass = DiscrepancyClassName;

/** What each class means and the kind of measure it points to. */
export const CLASS_DESCRIPTIONS: Record<DiscrepancyClass, string> = {
  both_high: 'many incidents and felt unsafe: combined crime-prevention and safety-building measures',
  unsafe_few_incidents: 'felt unsafe but few incidents: trygghetsskapande measures (lighting, vegetation, presence, information)',
  incidents_felt_safe: 'incidents but felt safe: brottsförebyggande measures (situational prevention, targeted police work)',
  both_low: 'few incidents and felt safe',
  insufficient_data: 'too few incidents or answers to classify without revealing suppressed numbers, or no population/survey data',
};

function classify(incidentHigh: boolean | null, perceivedHigh: boolean | null): DiscrepancyClass {
  if (incidentHigh === null || perceivedHigh === null) return 'insufficient_data';
  if (incidentHigh && perceivedHigh) return 'both_high';
  if (perceivedHigh) return 'unsafe_few_incidents';
  if (incidentHigh) return 'incidents_felt_safe';
  return 'both_low';
}

/**
 * The säkerhet–trygghet gap (SPEC §1, §5). Per district: incident rate per 1000 inhabitants is
 * high when above the municipality-wide rate of the same districts; perceived unsafety is high
 * when the survey's share otrygg is above the whole survey's share, or, where the district has
 * fewer than 10 answers, when its density of unsafe-place marks is above the municipality's.
 * Per hexagon (roles with hotspot access): incidents high when their Gi* class is hot90 or hotter,
 * perceived unsafety high when the marks' Gi* class is. Thresholds are returned with the answer. Every
 * incident number comes from the disclosure-controlled district and hotspot paths (never exact where the
 * viewer's counts are suppressed).
 */
export async function getDiscrepancy(
  db: Db,
  viewer: Viewer,
  filters: IncidentFilters,
  options: { surveyId?: number; level?: string; cells: boolean } & GridOptions,
  // A caller that already holds getDistrictStats(db, filters, {compare: 'previous', level}) for the same filters
  // passes it, and survey reads it shares with other answers of the same request.
  reuse: { districtStats?: Awaited<ReturnType<typeof getDistrictStats>>; surveyReads?: SurveyReads } = {},
) {
  const reads = reuse.surveyReads;
  const survey = options.surveyId !== undefined
    ? await resolveSurvey(db, viewer, options.surveyId, filters.municipality, reads)
    : ((await listSurveysFor(db, viewer, filters.municipality)).surveys[0] ?? null);
  // The same protected (rounded, primary and complementary suppressed) district counts as /api/stats/districts:
  // every number here, the threshold included, is computed from what that route publishes to this viewer.
  const stats = reuse.districtStats ?? (await getDistrictStats(db, filters, { compare: 'previous', level: options.level }));
  const level = stats.level;
  if (level === null) throw badRequest('level', 'the municipality has no districts');
  // Only districts with a published count and a population: a threshold over hidden counts, times the
  // population, would give their sum back.
  const withPopulation = stats.districts.filter((d) => d.population && d.count !== null);
  const population = withPopulation.reduce((s, d) => s + d.population!, 0);
  const rateThreshold = population > 0 ? (withPopulation.reduce((s, d) => s + d.count!, 0) / population) * 1000 : null;

  const indicators = survey ? await getSurveyIndicators(db, viewer, survey.id, { by: [], level, reads }) : null;
  const shareThreshold = indicators?.overall.indicators?.otrygg.share ?? null;
  const shares = survey ? await districtOtryggForClassification(db, viewer, survey.id, level, reads) : new Map();
  const marks = new Map((await countMarksByDistrict(db, filters.municipality, level, survey?.id ?? null)).map((m) => [m.id, m]));
  const allMarks = [...marks.values()].reduce((s, m) => s + m.marks, 0);
  const allArea = [...marks.values()].reduce((s, m) => s + m.area_km2, 0);
  const markThreshold = allArea > 0 && survey ? allMarks / allArea : null;

  const districts = stats.districts.map((d) => {
    const hidden = d.count === null;
    const rate = d.rate_per_1000;
    const incidentHigh = hidden || rate === null || rateThreshold === null ? null : rate > rateThreshold;
    const classified = shares.get(d.id) ?? null;
    const share = classified?.otrygg ?? null;
    const published = classified?.publishable ? share : null;
    const m = marks.get(d.id);
    const density = m && m.area_km2 > 0 ? m.marks / m.area_km2 : null;
    let perceivedHigh: boolean | null = null;
    let measure: 'share_otrygg' | 'marks_per_km2' | null = null;
    if (share && share.share !== null && shareThreshold !== null) {
      perceivedHigh = share.share > shareThreshold;
      measure = 'share_otrygg';
    } else if (density !== null && markThreshold !== null) {
      perceivedHigh = density > markThreshold;
      measure = 'marks_per_km2';
    }
    return {
      id: d.id, name: d.name, kind: d.kind, population: d.population,
      count: hidden ? null : d.count,
      rate_per_1000: hidden ? null : rate,
      suppressed: hidden,
      incident_level: incidentHigh === null ? null : incidentHigh ? ('high' as const) : ('low' as const),
      share_otrygg: published?.share ?? null,
      share_otrygg_low: published?.low ?? null,
      share_otrygg_high: published?.high ?? null,
      survey_n: classified?.publishable ? (classified.n ?? null) : null,
      marks: survey ? (m?.marks ?? 0) : null,
      marks_per_km2: survey ? density : null,
      perceived_level: perceivedHigh === null ? null : perceivedHigh ? ('high' as const) : ('low' as const),
      perceived_measure: measure,
      class: classify(incidentHigh, perceivedHigh),
    };
  });

  let cells = null;
  if (options.cells) {
    const layers = await getIncidentAndMarkCells(db, filters, viewer.role, { cell: options.cell, band: options.band, surveyId: survey?.id ?? null });
    cells = {
      type: 'FeatureCollection' as const,
      cell_m: options.cell,
      band_m: layers.band,
      features: layers.cells.map((c) => {
        const incidentHigh = c.incident_class.startsWith('hot');
        const perceivedHigh = c.mark_class.startsWith('hot');
        return {
          type: 'Feature' as const,
          geometry: c.geometry,
          properties: {
            i: c.i, j: c.j,
            // Rounded to 5 where "<5" applies, like hotspot cells, so no hidden cell is a difference of others.
            count: publishCount(c.incidents, layers.suppressed) ?? ('<5' as const),
            incident_class: c.incident_class,
            marks: c.marks,
            mark_class: c.mark_class,
            class: classify(incidentHigh, perceivedHigh),
          },
        };
      }),
    };
  }

  return {
    municipality: filters.municipality,
    period: { from: filters.from, to: filters.to },
    categories: filters.categories,
    level,
    survey: survey ? { id: survey.id, name: survey.name } : null,
    thresholds: {
      incident: { measure: 'rate_per_1000', value: rateThreshold, rule: 'high when the district\'s rate per 1000 inhabitants is above the municipality-wide rate of the listed districts (Σ count / Σ population × 1000)' },
      perceived: {
        measure: 'share_otrygg', value: shareThreshold,
        rule: 'high when the district\'s share otrygg (otrygg_kvall 3–4 of 1–4, weighted) is above the whole survey\'s share',
        fallback: { measure: 'marks_per_km2', value: markThreshold, rule: 'where the district has fewer than 10 answers: high when its unsafe-place marks per km² are above the municipality\'s' },
      },
      cell: {
        incident: 'high when the hexagon\'s incident Gi* class is hot90 or hotter (p_fdr ≤ 0.10)',
        perceived: 'high when the hexagon\'s unsafe-place-mark Gi* class is hot90 or hotter (p_fdr ≤ 0.10)',
      },
    },
    classes: CLASS_DESCRIPTIONS,
    districts,
    cells,
  };
}
