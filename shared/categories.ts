/** Sensitivity decides who may see a category's aggregates and points (SPEC §6). */
export type Sensitivity = 'open' | 'restricted' | 'protected';

export interface CategoryDefinition {
  code: string;
  sv: string;
  en: string;
  sensitivity: Sensitivity;
  defaultFocusArea: string;
  /** Mostly police-initiated (spaningsbrott): counts measure police activity as much as crime. */
  policeInitiated: boolean;
}

/** The stable category codes of SPEC §4.4, in display order; migrations/0002 seeds the same list. */
export const CATEGORIES: readonly CategoryDefinition[] = [
  { code: 'misshandel', sv: 'Misshandel', en: 'Assault', sensitivity: 'open', defaultFocusArea: 'offentliga_miljoer', policeInitiated: false },
  { code: 'hot', sv: 'Olaga hot', en: 'Unlawful threat', sensitivity: 'open', defaultFocusArea: 'offentliga_miljoer', policeInitiated: false },
  { code: 'ran', sv: 'Rån', en: 'Robbery', sensitivity: 'open', defaultFocusArea: 'offentliga_miljoer', policeInitiated: false },
  { code: 'stold', sv: 'Stöld', en: 'Theft', sensitivity: 'open', defaultFocusArea: 'offentliga_miljoer', policeInitiated: false },
  { code: 'inbrott_bostad', sv: 'Bostadsinbrott', en: 'Residential burglary', sensitivity: 'open', defaultFocusArea: 'bostadsomraden', policeInitiated: false },
  { code: 'fordonsbrott', sv: 'Fordonsbrott', en: 'Vehicle crime', sensitivity: 'open', defaultFocusArea: 'bostadsomraden', policeInitiated: false },
  { code: 'cykelstold', sv: 'Cykelstöld', en: 'Bicycle theft', sensitivity: 'open', defaultFocusArea: 'offentliga_miljoer', policeInitiated: false },
  { code: 'skadegorelse', sv: 'Skadegörelse', en: 'Criminal damage', sensitivity: 'open', defaultFocusArea: 'offentliga_miljoer', policeInitiated: false },
  { code: 'klotter', sv: 'Klotter', en: 'Graffiti', sensitivity: 'open', defaultFocusArea: 'offentliga_miljoer', policeInitiated: false },
  { code: 'brand', sv: 'Anlagd brand', en: 'Arson', sensitivity: 'open', defaultFocusArea: 'skola_barn_unga', policeInitiated: false },
  { code: 'nedskrapning', sv: 'Nedskräpning', en: 'Littering', sensitivity: 'open', defaultFocusArea: 'offentliga_miljoer', policeInitiated: false },
  { code: 'ordningsstorning', sv: 'Ordningsstörning', en: 'Public disorder', sensitivity: 'open', defaultFocusArea: 'offentliga_miljoer', policeInitiated: false },
  { code: 'folksamling', sv: 'Otrygghetsskapande samling av personer', en: 'Intimidating gathering of people', sensitivity: 'open', defaultFocusArea: 'offentliga_miljoer', policeInitiated: false },
  { code: 'buskorning', sv: 'Buskörning (moped, A-traktor)', en: 'Reckless driving (moped, A-tractor)', sensitivity: 'open', defaultFocusArea: 'skola_barn_unga', policeInitiated: false },
  { code: 'olovligt_boende', sv: 'Olovligt boende eller sovplats', en: 'Unauthorised dwelling or sleeping place', sensitivity: 'open', defaultFocusArea: 'offentliga_miljoer', policeInitiated: false },
  { code: 'incident_mot_anstalld', sv: 'Hot eller våld mot anställd', en: 'Threat or violence against staff', sensitivity: 'restricted', defaultFocusArea: 'offentliga_miljoer', policeInitiated: false },
  { code: 'narkotika', sv: 'Narkotikabrott', en: 'Drug offence', sensitivity: 'restricted', defaultFocusArea: 'narkotika', policeInitiated: true },
  { code: 'langning', sv: 'Langning', en: 'Supplying alcohol or tobacco to minors', sensitivity: 'restricted', defaultFocusArea: 'narkotika', policeInitiated: true },
  { code: 'skjutning', sv: 'Skjutning', en: 'Shooting', sensitivity: 'restricted', defaultFocusArea: 'organiserad_brottslighet', policeInitiated: false },
  { code: 'sprangning', sv: 'Sprängning', en: 'Explosion', sensitivity: 'restricted', defaultFocusArea: 'organiserad_brottslighet', policeInitiated: false },
  { code: 'vald_nara_relation', sv: 'Våld i nära relation', en: 'Domestic violence', sensitivity: 'protected', defaultFocusArea: 'vald_nara_relation', policeInitiated: false },
  { code: 'sexualbrott', sv: 'Sexualbrott', en: 'Sexual offence', sensitivity: 'protected', defaultFocusArea: 'vald_nara_relation', policeInitiated: false },
  { code: 'hedersrelaterat', sv: 'Hedersrelaterat våld och förtryck', en: 'Honour-related violence and oppression', sensitivity: 'protected', defaultFocusArea: 'vald_nara_relation', policeInitiated: false },
  { code: 'otrygg_plats', sv: 'Rapport om otrygg plats', en: 'Report of an unsafe place', sensitivity: 'open', defaultFocusArea: 'offentliga_miljoer', policeInitiated: false },
];

/** Category codes by code, for validation. */
export const CATEGORY_BY_CODE: ReadonlyMap<string, CategoryDefinition> = new Map(CATEGORIES.map((c) => [c.code, c]));

/** Incident sources of SPEC §4.2. */
export const SOURCES = ['police', 'municipality', 'housing', 'security', 'transport', 'public'] as const;
export type Source = (typeof SOURCES)[number];

/** District kinds, coarsest first (kommundel ⊃ stadsdel ⊃ område). */
export const DISTRICT_KINDS = ['kommundel', 'stadsdel', 'omrade'] as const;
export type DistrictKind = (typeof DISTRICT_KINDS)[number];
