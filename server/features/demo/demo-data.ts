import { demoFocusAreas } from './demo-focus-areas.ts';
import { generateIncidents } from './demo-incidents.ts';
import { createRandom, deriveSeed } from './demo-random.ts';
import { generateMarks, generateResponses } from './demo-survey.ts';
import { calendarDay, stockholmDayNumber } from './demo-time.ts';
import type { LandscapeFeature } from './demo-landscape.ts';
import { buildTown } from './demo-town.ts';

export { formatStockholm, stockholmLocalToInstant, stockholmOffsetMinutes } from './demo-time.ts';
export { DEMO_CATEGORY_CODES } from './demo-incidents.ts';

type PopulationAgeGroup = '0-15' | '16-19' | '20-34' | '35-49' | '50-64' | '65-79' | '80+';
type ProblemCode = 'nedskrapning' | 'klotter' | 'narkotika' | 'brak_berusade' | 'buskorning' | 'dalig_belysning' | 'ungdomsgang';

/** A district with its population and its exterior ring in SWEREF 99 TM (EPSG:3006), counter-clockwise. */
export interface DemoDistrict {
  key: string;
  name: string;
  kind: 'kommundel' | 'stadsdel';
  parentKey: string | null;
  population: number;
  populationByGender: { kvinna: number; man: number };
  populationByAge: Record<PopulationAgeGroup, number>;
  /** Closed exterior ring of [easting, northing] metres; neighbours share vertices exactly. */
  ring: [number, number][];
}

/** An incident; times are Europe/Stockholm local time with offset, coordinates EPSG:3006 metres (null, null = unlocated). */
export interface DemoIncident {
  sourceRef: string;
  source: 'police' | 'municipality' | 'housing' | 'security' | 'transport' | 'public';
  category: string;
  occurredAt: string;
  occurredUntil: string | null;
  e: number | null;
  n: number | null;
  place: string | null;
  description: string | null;
}

/** One trygghetsmätning respondent with the standard questions of SPEC §4.3 (null = not answered). */
export interface DemoResponse {
  responseRef: string;
  districtKey: string;
  gender: 'kvinna' | 'man' | 'annat' | 'uppgift_saknas';
  ageGroup: '16-19' | '20-34' | '35-49' | '50-64' | '65-79' | '80+';
  weight: number;
  otryggKvall: 1 | 2 | 3 | 4 | 5 | null;
  avstarAktivitet: boolean | null;
  oroBrott: 1 | 2 | 3 | 4 | null;
  problems: Record<ProblemCode, 1 | 2 | 3 | 4 | null>;
}

/** A place a resident marked as unsafe (EPSG:3006 metres). */
export interface DemoMark {
  markRef: string;
  responseRef: string | null;
  e: number;
  n: number;
  reasons: ('belysning' | 'vegetation' | 'folksamlingar' | 'narkotika' | 'trafik' | 'nedskrapning_klotter' | 'ode_plats' | 'ovrigt')[];
  timeOfDay: 'dag' | 'kvall' | 'natt';
  comment: string | null;
}

/** A focus area (fokusområde) of the crime-prevention strategy and the SPEC §4.4 categories it covers. */
export interface DemoFocusArea {
  code: string;
  nameSv: string;
  nameEn: string;
  goal: string;
  responsible: string;
  indicators: string[];
  categories: string[];
}

/** Everything the demo municipality ships with. */
export interface DemoData {
  municipality: { code: string; name: string };
  districts: DemoDistrict[];
  incidents: DemoIncident[];
  survey: { name: string; conductedFrom: string; conductedTo: string; responses: DemoResponse[]; marks: DemoMark[] };
  focusAreas: DemoFocusArea[];
  landmarks: { key: string; name: string; e: number; n: number }[];
  /** River, lake, forest, parks, roads, railway and streets for the offline basemap. */
  landscape: LandscapeFeature[];
}

export interface GenerateDemoOptions {
  /** PRNG seed; the same options always give byte-identical output. */
  seed?: number;
  /** End of the incident period (exclusive); incidents cover the two years before it. */
  endDate: Date;
  incidentCount?: number;
  respondents?: number;
  marks?: number;
}

/** The demo's seed when none is given. */
export const DEFAULT_DEMO_SEED = 20_240_917;

function count(name: string, value: number | undefined, fallback: number): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
  return n;
}

/**
 * Generates the fictional demo municipality (code 9999): 3 kommundelar of 4 stadsdelar each,
 * two years of incidents in [endDate − 2 years, endDate), a trygghetsmätning from the last
 * autumn before endDate with unsafe-place marks, focus areas and landmarks. Pure and
 * deterministic: no I/O, no clock, no Math.random.
 */
export function generateDemo(options: GenerateDemoOptions): DemoData {
  const endMs = options.endDate.getTime();
  if (!Number.isFinite(endMs)) throw new RangeError('endDate must be a valid date');
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  const incidentCount = count('incidentCount', options.incidentCount, 40_000);
  const respondents = count('respondents', options.respondents, 2000);
  const markCount = count('marks', options.marks, 600);

  const start = new Date(endMs);
  start.setUTCFullYear(start.getUTCFullYear() - 2);

  // Separate streams, so that e.g. more marks leave incidents and districts unchanged.
  const town = buildTown(createRandom(deriveSeed(seed, 'town')));
  const incidents = generateIncidents(town, createRandom(deriveSeed(seed, 'incidents')), incidentCount, start.getTime(), endMs);

  // The survey is the last one finished before endDate: autumn of this year once December has come.
  const end = calendarDay(stockholmDayNumber(endMs - 1));
  const surveyYear = end.month === 12 ? end.year : end.year - 1;
  const yy = String(surveyYear % 100).padStart(2, '0');
  const responses = generateResponses(town, createRandom(deriveSeed(seed, 'survey')), respondents, `TM${yy}`);
  const marks = generateMarks(town, createRandom(deriveSeed(seed, 'marks')), markCount, responses, `TM${yy}-P`);

  return {
    municipality: { code: '9999', name: 'Demokommun (fiktiv demo)' },
    districts: town.districts,
    incidents,
    survey: {
      name: `Trygghetsmätning ${surveyYear}`,
      conductedFrom: `${surveyYear}-09-15`,
      conductedTo: `${surveyYear}-10-31`,
      responses,
      marks,
    },
    focusAreas: demoFocusAreas(),
    landmarks: [...town.hotspots.values()]
      .filter((h) => h.landmark)
      .map((h) => ({ key: h.key, name: h.name, e: h.position[0], n: h.position[1] })),
    landscape: town.landscape.features,
  };
}
