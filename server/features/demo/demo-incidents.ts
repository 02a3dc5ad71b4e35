import type { DemoIncident } from './demo-data.ts';
import type { Position } from './demo-geometry.ts';
import { allocate, type DemoRandom } from './demo-random.ts';
import { calendarDay, formatStockholm, HOUR_MS, MINUTE_MS, stockholmDayNumber, stockholmLocalToInstant } from './demo-time.ts';
import type { HotspotKey, Town } from './demo-town.ts';

type Source = DemoIncident['source'];
type SourceMix = Partial<Record<Source, number>>;

/** When in the week something happens; see `profileWeight`. */
type Profile = 'nightlife' | 'commuter' | 'shop' | 'evening' | 'night' | 'allday' | 'home' | 'weekdayDay';

/** Where something happens: around hotspots (Gaussian, sigma metres) or anywhere in a stadsdel. */
type Where =
  | { spots: readonly (readonly [HotspotKey, number])[]; sigma: number }
  /** Stadsdel weights: population × a StadsdelSpec rate, or explicit relative weights by key. */
  | { weighting: 'risk' | 'burglary' | 'outskirts' | 'population' | Readonly<Record<string, number>> };

interface Pattern {
  share: number;
  where: Where;
  when: Profile;
  sources?: SourceMix;
}

interface CategoryModel {
  code: string;
  /** Relative frequency (per 10 000 incidents). */
  share: number;
  season: 'summer' | 'dark' | 'flat';
  /** False where the holidays do not quieten things down (violence at home rises). */
  christmasDip: boolean;
  patterns: readonly Pattern[];
  sources: SourceMix;
  /** Share of incidents with a time span, and its length in hours. */
  until?: { share: number; minHours: number; maxHours: number };
  unlocated: number;
  /** Protected categories carry neither place nor description in the demo. */
  protectedData?: boolean;
  /** Share that repeat an earlier incident of the category close by within two weeks. */
  nearRepeat?: number;
  /** The place gets a house number (a shop, a car park) rather than just the street. */
  numbered?: boolean;
  descriptions: readonly string[];
}

const POLICE: SourceMix = { police: 1 };
const NIGHTLIFE_SPOTS = [['krogstraket', 4], ['torget', 3], ['station', 2.5], ['hamnen', 0.8]] as const;
const SCHOOLS = [['skola-norrbacka', 1.3], ['skola-tallmon', 1], ['skola-kvarnbacken', 0.9], ['skola-lindas', 1]] as const;

/**
 * Every SPEC §4.4 category with its proportion, places, times and reporting sources, roughly as
 * in a Swedish town of 80 000: property crime and disorder dominate, shootings are a handful.
 */
const CATEGORY_MODELS: readonly CategoryModel[] = [
  {
    code: 'stold', share: 1700, season: 'flat', christmasDip: true, unlocated: 0.025, numbered: true,
    sources: { police: 0.9, security: 0.1 },
    patterns: [
      { share: 0.35, where: { spots: [['kopcentrum', 1]], sigma: 150 }, when: 'shop', sources: { police: 0.8, security: 0.2 } },
      { share: 0.15, where: { spots: [['torget', 1]], sigma: 220 }, when: 'shop' },
      { share: 0.5, where: { weighting: 'risk' }, when: 'allday' },
    ],
    descriptions: ['Snatteri i butik', 'Stöld av plånbok', 'Ficktjuvar i folkmängd', 'Stöld ur förråd', 'Stöld på arbetsplats', 'Stöld av mobiltelefon', 'Snatteri, flera varor'],
  },
  {
    code: 'skadegorelse', share: 950, season: 'summer', christmasDip: true, unlocated: 0.025,
    sources: { police: 0.65, housing: 0.25, municipality: 0.1 },
    until: { share: 0.15, minHours: 8, maxHours: 14 },
    patterns: [
      { share: 0.35, where: { spots: SCHOOLS, sigma: 110 }, when: 'evening', sources: { police: 0.5, municipality: 0.5 } },
      { share: 0.1, where: { spots: [['station', 1]], sigma: 150 }, when: 'evening', sources: { police: 0.4, transport: 0.6 } },
      { share: 0.55, where: { weighting: 'risk' }, when: 'evening' },
    ],
    descriptions: ['Krossad ruta', 'Skadegörelse på busskur', 'Sönderslagen belysning', 'Skadegörelse på bil', 'Förstörd papperskorg', 'Skadegörelse på skolgård'],
  },
  {
    code: 'klotter', share: 900, season: 'flat', christmasDip: true, unlocated: 0.025,
    sources: { municipality: 0.35, housing: 0.4, police: 0.2, public: 0.05 },
    until: { share: 0.3, minHours: 8, maxHours: 14 },
    patterns: [
      { share: 0.35, where: { spots: SCHOOLS, sigma: 120 }, when: 'evening', sources: { municipality: 0.7, police: 0.3 } },
      { share: 0.2, where: { spots: [['station', 2], ['gangtunnel', 1]], sigma: 120 }, when: 'evening', sources: { transport: 0.5, municipality: 0.3, police: 0.2 } },
      { share: 0.45, where: { weighting: 'risk' }, when: 'evening' },
    ],
    descriptions: ['Klotter på fasad', 'Klotter i gångtunnel', 'Tags på elskåp', 'Klotter på skolbyggnad', 'Klotter på bullerplank', 'Klotter i trapphus'],
  },
  {
    code: 'cykelstold', share: 800, season: 'summer', christmasDip: true, unlocated: 0.025,
    sources: POLICE,
    until: { share: 0.45, minHours: 2, maxHours: 9 },
    patterns: [
      { share: 0.5, where: { spots: [['station', 1]], sigma: 110 }, when: 'commuter' },
      { share: 0.15, where: { spots: [['torget', 1]], sigma: 200 }, when: 'shop' },
      { share: 0.35, where: { weighting: 'population' }, when: 'allday' },
    ],
    descriptions: ['Cykel stulen från cykelställ', 'Låst cykel stulen', 'Elcykel stulen', 'Cykelstöld från förråd'],
  },
  {
    code: 'fordonsbrott', share: 780, season: 'flat', christmasDip: true, unlocated: 0.025, numbered: true,
    sources: POLICE,
    until: { share: 0.4, minHours: 4, maxHours: 9 },
    patterns: [
      { share: 0.2, where: { spots: [['kopcentrum', 1]], sigma: 150 }, when: 'shop' },
      { share: 0.2, where: { spots: [['station', 1]], sigma: 150 }, when: 'commuter' },
      { share: 0.6, where: { weighting: 'burglary' }, when: 'night' },
    ],
    descriptions: ['Inbrott i bil, ruta krossad', 'Stöld av katalysator', 'Stöld ur fordon', 'Bilstöld', 'Stöld av registreringsskyltar', 'Försök till bilinbrott'],
  },
  {
    code: 'ordningsstorning', share: 720, season: 'summer', christmasDip: true, unlocated: 0.025,
    sources: { police: 0.85, housing: 0.1, security: 0.05 },
    patterns: [
      { share: 0.5, where: { spots: [['krogstraket', 4], ['torget', 3], ['station', 2], ['hamnen', 1.5]], sigma: 160 }, when: 'nightlife', sources: { police: 0.8, security: 0.12, transport: 0.08 } },
      { share: 0.5, where: { weighting: 'risk' }, when: 'evening' },
    ],
    descriptions: ['Berusade personer stör', 'Högljudd grupp', 'Störande musik sent på kvällen', 'Fylleri på allmän plats', 'Bråk i kö', 'Störningar i trapphus'],
  },
  {
    code: 'misshandel', share: 600, season: 'summer', christmasDip: true, unlocated: 0.025,
    sources: POLICE,
    patterns: [
      { share: 0.5, where: { spots: NIGHTLIFE_SPOTS, sigma: 140 }, when: 'nightlife' },
      { share: 0.5, where: { weighting: 'risk' }, when: 'allday' },
    ],
    descriptions: ['Bråk utanför restaurang', 'Slagsmål mellan flera personer', 'Person slagen i huvudet', 'Misshandel i kö till nattklubb', 'Bråk i samband med fest', 'Knytnävsslag efter ordväxling', 'Misshandel vid busshållplats'],
  },
  {
    code: 'nedskrapning', share: 520, season: 'summer', christmasDip: true, unlocated: 0.025,
    sources: { municipality: 0.5, public: 0.25, housing: 0.25 },
    patterns: [
      { share: 0.35, where: { spots: [['torget', 2], ['hamnen', 2], ['kopcentrum', 1], ['park', 0.6]], sigma: 150 }, when: 'allday', sources: { municipality: 0.6, public: 0.4 } },
      { share: 0.65, where: { weighting: 'population' }, when: 'allday' },
    ],
    descriptions: ['Nedskräpning vid återvinningsstation', 'Skräp efter fest', 'Dumpat avfall', 'Överfulla papperskorgar', 'Nedskräpning vid busshållplats', 'Krossat glas på gångväg'],
  },
  {
    code: 'hot', share: 450, season: 'flat', christmasDip: true, unlocated: 0.025,
    sources: POLICE,
    patterns: [
      { share: 0.3, where: { spots: NIGHTLIFE_SPOTS, sigma: 150 }, when: 'nightlife' },
      { share: 0.7, where: { weighting: 'risk' }, when: 'allday' },
    ],
    descriptions: ['Hot i samband med ordväxling', 'Hotfullt beteende mot förbipasserande', 'Hot via telefon', 'Hot om våld efter bråk', 'Hotad med tillhygge'],
  },
  {
    code: 'inbrott_bostad', share: 420, season: 'dark', christmasDip: true, unlocated: 0.025, nearRepeat: 0.3,
    sources: POLICE,
    until: { share: 0.55, minHours: 1, maxHours: 9 },
    patterns: [
      { share: 0.72, where: { weighting: 'burglary' }, when: 'weekdayDay' },
      { share: 0.28, where: { weighting: 'burglary' }, when: 'evening' },
    ],
    descriptions: ['Inbrott i lägenhet, dörren uppbruten', 'Inbrott i villa via altandörr', 'Försök till inbrott', 'Inbrott i radhus, smycken stulna', 'Fönster uppbrutet, bostaden genomsökt'],
  },
  {
    code: 'narkotika', share: 380, season: 'flat', christmasDip: true, unlocated: 0.025,
    sources: POLICE,
    patterns: [
      { share: 0.45, where: { spots: [['station', 3], ['torget', 1.5], ['park', 0.3]], sigma: 150 }, when: 'evening' },
      { share: 0.55, where: { weighting: { norrbacka: 4, stationsomradet: 2, centrum: 2, bjorkangen: 1.5, 'vastra-hamnen': 1, ekdalen: 1, tallmon: 0.5, kvarnbacken: 0.4, osterang: 0.5, lindas: 0.4, solhojden: 0.3, hagaberg: 0.2 } }, when: 'evening' },
    ],
    descriptions: ['Eget bruk av narkotika', 'Innehav av narkotika vid kontroll', 'Misstänkt narkotikaförsäljning', 'Ringa narkotikabrott'],
  },
  {
    code: 'otrygg_plats', share: 330, season: 'dark', christmasDip: true, unlocated: 0.025,
    sources: { public: 0.7, municipality: 0.2, security: 0.1 },
    patterns: [
      { share: 0.6, where: { spots: [['park', 2], ['gangtunnel', 2], ['station', 2], ['torget', 1]], sigma: 120 }, when: 'evening' },
      { share: 0.4, where: { weighting: 'population' }, when: 'allday' },
    ],
    descriptions: ['Mörkt och otryggt längs gångvägen', 'Trasig belysning i gångtunnel', 'Buskage skymmer sikten', 'Grupper som hänger vid entrén', 'Otrygg plats kvällstid'],
  },
  {
    code: 'folksamling', share: 260, season: 'summer', christmasDip: true, unlocated: 0.025,
    sources: { police: 0.6, security: 0.25, transport: 0.15 },
    patterns: [
      { share: 0.45, where: { spots: [['station', 3], ['torget', 2]], sigma: 130 }, when: 'nightlife', sources: { police: 0.55, security: 0.2, transport: 0.25 } },
      { share: 0.25, where: { spots: [['kopcentrum', 1]], sigma: 120 }, when: 'evening', sources: { police: 0.5, security: 0.5 } },
      { share: 0.3, where: { spots: SCHOOLS, sigma: 120 }, when: 'evening', sources: { police: 0.7, municipality: 0.3 } },
    ],
    descriptions: ['Grupp ungdomar samlas vid entrén', 'Större samling personer, otrygg stämning', 'Samling personer vid resecentrum', 'Ungdomar samlas på skolgård kvällstid'],
  },
  {
    code: 'buskorning', share: 200, season: 'summer', christmasDip: true, unlocated: 0.025,
    sources: { police: 0.6, public: 0.3, municipality: 0.1 },
    patterns: [{ share: 1, where: { weighting: 'outskirts' }, when: 'evening' }],
    descriptions: ['Mopedister kör på gångbanan', 'A-traktor kör i hög hastighet', 'Buskörning på parkeringsplats', 'Crossmotorcykel i skogsområde', 'Mopeder kör i parken'],
  },
  {
    code: 'brand', share: 150, season: 'flat', christmasDip: true, unlocated: 0.025,
    sources: { police: 0.7, housing: 0.3 },
    patterns: [
      { share: 0.45, where: { spots: SCHOOLS, sigma: 100 }, when: 'evening', sources: { police: 0.6, municipality: 0.4 } },
      { share: 0.55, where: { weighting: 'risk' }, when: 'night' },
    ],
    descriptions: ['Brand i papperskorg', 'Containerbrand', 'Brand i bil', 'Anlagd brand vid skola', 'Brand i soprum', 'Eld i buskage'],
  },
  {
    code: 'olovligt_boende', share: 120, season: 'dark', christmasDip: true, unlocated: 0.025,
    sources: { housing: 0.5, municipality: 0.3, security: 0.2 },
    patterns: [
      { share: 0.6, where: { spots: [['station', 3], ['park', 1], ['gangtunnel', 1], ['torget', 1]], sigma: 150 }, when: 'night', sources: { municipality: 0.3, security: 0.3, transport: 0.3, police: 0.1 } },
      { share: 0.4, where: { weighting: 'risk' }, when: 'night' },
    ],
    descriptions: ['Person sover i trapphus', 'Tältläger i skogsdunge', 'Övernattning i cykelrum', 'Person sover i väntsal', 'Olovligt boende i förråd'],
  },
  {
    code: 'ran', share: 110, season: 'flat', christmasDip: true, unlocated: 0.025,
    sources: POLICE,
    patterns: [
      { share: 0.45, where: { spots: [['station', 3], ['torget', 2], ['krogstraket', 2]], sigma: 160 }, when: 'nightlife' },
      { share: 0.15, where: { spots: [['kopcentrum', 1]], sigma: 120 }, when: 'shop' },
      { share: 0.4, where: { weighting: 'risk' }, when: 'evening' },
    ],
    descriptions: ['Rån av mobiltelefon', 'Personrån, gärningspersonerna flydde till fots', 'Rån av plånbok', 'Försök till rån', 'Butiksrån'],
  },
  {
    code: 'incident_mot_anstalld', share: 100, season: 'flat', christmasDip: true, unlocated: 0.025,
    sources: { police: 0.6, municipality: 0.4 },
    patterns: [
      { share: 0.35, where: { spots: [['kopcentrum', 1]], sigma: 120 }, when: 'shop', sources: { police: 0.4, security: 0.6 } },
      { share: 0.3, where: { spots: [['station', 1]], sigma: 120 }, when: 'commuter', sources: { transport: 0.7, police: 0.3 } },
      { share: 0.2, where: { spots: SCHOOLS, sigma: 80 }, when: 'weekdayDay', sources: { municipality: 0.8, police: 0.2 } },
      { share: 0.15, where: { weighting: 'risk' }, when: 'allday' },
    ],
    descriptions: ['Hot mot butikspersonal', 'Busschaufför hotad', 'Våld mot väktare', 'Hot mot personal på skola', 'Spottloska mot ordningsvakt'],
  },
  {
    code: 'langning', share: 60, season: 'summer', christmasDip: true, unlocated: 0.025,
    sources: POLICE,
    patterns: [
      { share: 0.5, where: { spots: SCHOOLS, sigma: 200 }, when: 'evening' },
      { share: 0.5, where: { weighting: 'risk' }, when: 'evening' },
    ],
    descriptions: ['Langning av alkohol till minderåriga', 'Misstänkt langning nära skolan', 'Langning av snus till minderåriga'],
  },
  {
    code: 'vald_nara_relation', share: 130, season: 'flat', christmasDip: false, unlocated: 0.4, protectedData: true,
    sources: POLICE,
    patterns: [{ share: 1, where: { weighting: 'population' }, when: 'home' }],
    descriptions: [],
  },
  {
    code: 'sexualbrott', share: 50, season: 'summer', christmasDip: true, unlocated: 0.2, protectedData: true,
    sources: POLICE,
    patterns: [
      { share: 0.35, where: { spots: NIGHTLIFE_SPOTS, sigma: 200 }, when: 'nightlife' },
      { share: 0.65, where: { weighting: 'population' }, when: 'allday' },
    ],
    descriptions: [],
  },
  {
    code: 'hedersrelaterat', share: 10, season: 'flat', christmasDip: false, unlocated: 0.5, protectedData: true,
    sources: POLICE,
    patterns: [{ share: 1, where: { weighting: 'population' }, when: 'allday' }],
    descriptions: [],
  },
  {
    code: 'skjutning', share: 2, season: 'flat', christmasDip: true, unlocated: 0.025,
    sources: POLICE,
    patterns: [{ share: 1, where: { weighting: { norrbacka: 4, bjorkangen: 1.5, stationsomradet: 1 } }, when: 'night' }],
    descriptions: ['Skottlossning, ingen skadad', 'Skott avlossade mot bostad', 'Misstänkt skottlossning'],
  },
  {
    code: 'sprangning', share: 3, season: 'flat', christmasDip: true, unlocated: 0.025,
    sources: POLICE,
    patterns: [{ share: 1, where: { weighting: { norrbacka: 3, bjorkangen: 1.5, kvarnbacken: 1, centrum: 0.5 } }, when: 'night' }],
    descriptions: ['Detonation vid entré', 'Sprängning vid port', 'Misstänkt sprängladdning'],
  },
];

/** The category codes the demo generates, in model order. */
export const DEMO_CATEGORY_CODES: readonly string[] = CATEGORY_MODELS.map((m) => m.code);

/** Relative weight of an hour (0–23) on a weekday (0 = Monday … 6 = Sunday) for a profile. */
function profileWeight(profile: Profile, weekday: number, hour: number): number {
  const friday = weekday === 4;
  const saturday = weekday === 5;
  const sunday = weekday === 6;
  const workday = weekday < 5;
  switch (profile) {
    case 'nightlife':
      // Friday and Saturday nights: the evening belongs to Fri/Sat, the small hours to Sat/Sun.
      if (hour >= 21) return friday || saturday ? 14 : 2.2;
      if (hour <= 2) return saturday || sunday ? 16 : 1.6;
      if (hour <= 4) return saturday || sunday ? 4 : 0.5;
      if (hour <= 9) return 0.25;
      if (hour <= 17) return 0.7;
      return friday || saturday ? 2.5 : 1.3;
    case 'commuter':
      if (workday && hour >= 7 && hour <= 18) return 4;
      if (!workday && hour >= 10 && hour <= 18) return 1.5;
      if (hour >= 19 && hour <= 22) return 0.8;
      return 0.2;
    case 'shop':
      if (saturday) return hour >= 10 && hour <= 17 ? 5 : hour === 18 ? 1.5 : 0.08;
      if (sunday) return hour >= 11 && hour <= 16 ? 3 : 0.08;
      if (hour >= 10 && hour <= 19) return 4;
      if (hour === 9 || hour === 20) return 1.5;
      return hour === 21 || hour === 22 ? 0.4 : 0.08;
    case 'evening':
      if (hour >= 18) return friday || saturday ? 7 : 5;
      if (hour >= 15) return 1.8;
      if (hour <= 1) return saturday || sunday ? 3 : 1.5;
      return 0.3;
    case 'night':
      if (hour >= 22 || hour <= 4) return 4;
      if (hour === 5) return 1.5;
      return hour === 6 ? 1 : 0.5;
    case 'allday':
      if (hour <= 5) return saturday || sunday ? 1 : 0.6;
      if (hour <= 9) return 0.9;
      if (hour <= 15) return 1.3;
      if (hour <= 21) return 1.6;
      return 1.1;
    case 'home':
      if (hour >= 17) return saturday || sunday || friday ? 4.2 : 3;
      if (hour <= 1) return 2;
      if (!workday && hour >= 10) return 1.8;
      return 0.6;
    case 'weekdayDay':
      if (workday && hour >= 8 && hour <= 17) return 5;
      if (workday && (hour === 7 || hour === 18)) return 1.2;
      if (!workday && hour >= 10 && hour <= 18) return 0.8;
      if (hour >= 19) return 0.6;
      return 0.2;
  }
}

const SEASON_PEAK_DAY = { summer: 196, dark: 5 } as const;
const SEASON_AMPLITUDE = { summer: 0.4, dark: 0.3 } as const;
const MAX_DAY_WEIGHT = 1.4 * 1.3;

/** Relative weight of a calendar day for a category in a stadsdel (season, Christmas, trend). */
function dayWeight(model: CategoryModel, dayNumber: number, trend: 'up' | 'down' | null, progress: number): number {
  const { month, day, dayOfYear } = calendarDay(dayNumber);
  let w = 1;
  if (model.season !== 'flat') {
    w *= 1 + SEASON_AMPLITUDE[model.season] * Math.cos((2 * Math.PI * (dayOfYear - SEASON_PEAK_DAY[model.season])) / 365.25);
  }
  // Christmas Eve to New Year's Day: shops shut, people at home or away.
  if (model.christmasDip && ((month === 12 && day >= 24) || (month === 1 && day === 1))) w *= 0.55;
  // About a third more (or less) in the second year than in the first.
  if (trend === 'up') w *= 0.7 + 0.6 * progress;
  if (trend === 'down') w *= 1.3 - 0.6 * progress;
  return w;
}

interface Draft {
  categoryIndex: number;
  instant: number;
  until: number | null;
  source: Source;
  position: Position | null;
  place: string | null;
  description: string | null;
}

/**
 * Generates `count` incidents in [startMs, endMs) (ms since the epoch), sorted by time, with
 * source references numbered in time order per source and year. Every category appears at
 * least once when `count` is at least the number of categories.
 */
export function generateIncidents(town: Town, random: DemoRandom, count: number, startMs: number, endMs: number): DemoIncident[] {
  const startDay = stockholmDayNumber(startMs);
  const endDay = stockholmDayNumber(endMs - 1);
  const span = Math.max(1, endDay - startDay);

  const cumulative = new Map<Profile, number[]>();
  const cumulativeOf = (profile: Profile): number[] => {
    let c = cumulative.get(profile);
    if (!c) {
      c = [];
      let total = 0;
      for (let cell = 0; cell < 168; cell++) c.push((total += profileWeight(profile, Math.floor(cell / 24), cell % 24)));
      cumulative.set(profile, c);
    }
    return c;
  };
  const sampleCell = (profile: Profile): number => {
    const c = cumulativeOf(profile);
    const r = random.next() * c[167];
    let lo = 0;
    let hi = 167;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (c[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const sampleHourOn = (profile: Profile, weekday: number): number => {
    const weights = Array.from({ length: 24 }, (_, h) => profileWeight(profile, weekday, h));
    return random.weightedIndex(weights);
  };
  // Police and most systems record round times more often than not.
  const sampleMinute = (): number => (random.chance(0.6) ? 5 * random.int(12) : random.int(60));
  // Calendar lookups dominate the rejection loop, so the period's days are computed once.
  const calendar = Array.from({ length: endDay - startDay + 16 }, (_, k) => calendarDay(startDay + k));
  const dayOf = (dayNumber: number) => calendar[dayNumber - startDay] ?? calendarDay(dayNumber);
  const instantOf = (dayNumber: number, hour: number, minute: number): number => {
    const { year, month, day } = dayOf(dayNumber);
    return stockholmLocalToInstant(year, month, day, hour, minute);
  };
  const dayWeights = new Map<string, Float64Array>();
  const dayWeightOf = (model: CategoryModel, trend: 'up' | 'down' | null, dayNumber: number): number => {
    const key = `${model.code}:${trend}`;
    let weights = dayWeights.get(key);
    if (!weights) {
      weights = Float64Array.from(calendar.slice(0, endDay - startDay + 1), (_, k) => dayWeight(model, startDay + k, trend, k / span));
      dayWeights.set(key, weights);
    }
    return weights[dayNumber - startDay];
  };

  const sampleInstant = (model: CategoryModel, profile: Profile, trend: 'up' | 'down' | null): number => {
    for (;;) {
      const cell = sampleCell(profile);
      const weekday = Math.floor(cell / 24);
      const first = startDay + ((weekday - calendar[0].weekday + 7) % 7);
      if (first > endDay) continue;
      const day = first + 7 * random.int(Math.floor((endDay - first) / 7) + 1);
      if (random.next() * MAX_DAY_WEIGHT > dayWeightOf(model, trend, day)) continue;
      const instant = instantOf(day, cell % 24, sampleMinute());
      if (instant >= startMs && instant < endMs) return instant;
    }
  };

  const districtWeights = (weighting: Exclude<Where, { spots: unknown }>['weighting']): number[] =>
    town.stadsdelar.map(({ spec, district }) => {
      if (typeof weighting !== 'string') return weighting[spec.key] ?? 0;
      if (weighting === 'population') return district.population;
      return district.population * spec[weighting];
    });
  const weightCache = new Map<Pattern, number[]>();

  const placeOn = (model: CategoryModel, index: number): string => {
    const street = random.pick(town.stadsdelar[index].spec.streets);
    return model.numbered ? `${street} ${1 + random.int(48)}` : street;
  };

  /** A located point and its place text for a pattern, or the hotspot itself after many misses. */
  const samplePlace = (model: CategoryModel, pattern: Pattern): { position: Position; place: string; index: number } => {
    const where = pattern.where;
    if ('spots' in where) {
      const [key] = where.spots[random.weightedIndex(where.spots.map(([, w]) => w))];
      const spot = town.hotspots.get(key);
      if (!spot) throw new Error(`unknown hotspot ${key}`);
      for (let attempt = 0; attempt < 50; attempt++) {
        const dx = random.normal() * where.sigma;
        const dy = random.normal() * where.sigma;
        const position: Position = [Math.round(spot.position[0] + dx), Math.round(spot.position[1] + dy)];
        const index = town.locateClearly(position);
        if (index < 0) continue;
        const near = Math.hypot(dx, dy) < 1.5 * where.sigma;
        return { position, index, place: near ? random.pick(spot.places) : placeOn(model, index) };
      }
      return { position: spot.position, index: town.locateClearly(spot.position), place: spot.places[0] };
    }
    let weights = weightCache.get(pattern);
    if (!weights) weightCache.set(pattern, (weights = districtWeights(where.weighting)));
    const index = random.weightedIndex(weights);
    return { position: town.randomPointIn(index, random), index, place: placeOn(model, index) };
  };

  const pickSource = (mix: SourceMix): Source => {
    const entries = Object.entries(mix) as [Source, number][];
    return entries[random.weightedIndex(entries.map(([, w]) => w))][0];
  };

  const counts = allocate(count, CATEGORY_MODELS.map((m) => m.share));
  if (count >= CATEGORY_MODELS.length) {
    // Rare categories get at least one incident; the most common one pays for it.
    for (let i = 0; i < counts.length; i++) {
      if (counts[i] === 0) {
        counts[i] = 1;
        counts[0]--;
      }
    }
  }

  const drafts: Draft[] = [];
  CATEGORY_MODELS.forEach((model, categoryIndex) => {
    const located: { instant: number; position: Position; place: string }[] = [];
    for (let k = 0; k < counts[categoryIndex]; k++) {
      const pattern = model.patterns[random.weightedIndex(model.patterns.map((p) => p.share))];
      let instant = -1;
      let position: Position | null = null;
      let place: string | null = null;

      if (model.nearRepeat && located.length > 0 && random.chance(model.nearRepeat)) {
        // Near repeat: the same offenders come back to the same street within two weeks.
        const earlier = random.pick(located);
        const candidate: Position = [Math.round(earlier.position[0] + random.normal() * 120), Math.round(earlier.position[1] + random.normal() * 120)];
        const day = stockholmDayNumber(earlier.instant) + 1 + random.int(14);
        const repeatAt = instantOf(day, sampleHourOn(pattern.when, dayOf(day).weekday), sampleMinute());
        if (town.locateClearly(candidate) >= 0 && repeatAt < endMs) {
          instant = repeatAt;
          position = candidate;
          place = earlier.place;
        }
      }
      if (!position) {
        const sampled = samplePlace(model, pattern);
        position = sampled.position;
        place = sampled.place;
        instant = sampleInstant(model, pattern.when, town.stadsdelar[sampled.index]?.spec.trend ?? null);
      }
      located.push({ instant, position, place: place ?? '' });

      let until: number | null = null;
      if (model.until && random.chance(model.until.share)) {
        const hours = random.between(model.until.minHours, model.until.maxHours);
        until = instant + Math.round((hours * HOUR_MS) / (5 * MINUTE_MS)) * 5 * MINUTE_MS;
        // A span must not reach past the end of the data.
        if (until >= endMs) until = null;
      }
      const unlocated = random.chance(model.unlocated);
      drafts.push({
        categoryIndex,
        instant,
        until,
        source: pickSource(pattern.sources ?? model.sources),
        position: unlocated ? null : position,
        place: model.protectedData || unlocated ? null : place,
        description: model.protectedData || random.chance(0.05) ? null : random.pick(model.descriptions),
      });
    }
  });

  drafts.sort((a, b) => a.instant - b.instant);
  const nextRef = referenceNumbering(random);
  return drafts.map((d) => {
    const occurredAt = formatStockholm(d.instant);
    return {
      sourceRef: nextRef(d.source, Number(occurredAt.slice(0, 4))),
      source: d.source,
      category: CATEGORY_MODELS[d.categoryIndex].code,
      occurredAt,
      occurredUntil: d.until === null ? null : formatStockholm(d.until),
      e: d.position ? d.position[0] : null,
      n: d.position ? d.position[1] : null,
      place: d.place,
      description: d.description,
    };
  });
}

/**
 * Reference numbers per source and year, increasing in time order. Police numbers look like
 * ärendenummer (`5000-K123456-25`) and skip values, as the region's other cases share the series.
 */
function referenceNumbering(random: DemoRandom): (source: Source, year: number) => string {
  const counters = new Map<string, number>();
  return (source, year) => {
    const key = `${source}:${year}`;
    const police = source === 'police';
    const previous = counters.get(key) ?? (police ? 10_000 + random.int(5_000) : random.int(40));
    const seq = previous + 1 + random.int(police ? 30 : 3);
    counters.set(key, seq);
    const yy = String(year % 100).padStart(2, '0');
    switch (source) {
      case 'police':
        return `5000-K${seq}-${yy}`;
      case 'municipality':
        return `KOM-${year}-${String(seq).padStart(5, '0')}`;
      case 'housing':
        return `DB-${yy}${String(seq).padStart(5, '0')}`;
      case 'security':
        return `VR-${year}-${String(seq).padStart(6, '0')}`;
      case 'transport':
        return `RT-${year}-${String(seq).padStart(5, '0')}`;
      case 'public':
        return `TP-${year}-${String(seq).padStart(5, '0')}`;
    }
  };
}
