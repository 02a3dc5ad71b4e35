import type { DemoDistrict } from './demo-data.ts';
import { buildTownTiling, distanceToRing, outlineOf, pointInRing, ringBounds, type CellCorners, type CurveShape, type Position } from './demo-geometry.ts';
import { buildLandscape, type Landscape } from './demo-landscape.ts';
import { allocate, createRandom, type DemoRandom } from './demo-random.ts';

/** Population age groups of SPEC §4.1 district statistics (SCB-style bands). */
export const AGE_GROUPS = ['0-15', '16-19', '20-34', '35-49', '50-64', '65-79', '80+'] as const;
export type PopulationAgeGroup = (typeof AGE_GROUPS)[number];

/** The survey's standard problem items (SPEC §4.3 `problem_<code>`). */
export const PROBLEM_ITEMS = ['nedskrapning', 'klotter', 'narkotika', 'brak_berusade', 'buskorning', 'dalig_belysning', 'ungdomsgang'] as const;
export type ProblemItem = (typeof PROBLEM_ITEMS)[number];

/** Age structure (shares of AGE_GROUPS, in per cent) of the kinds of neighbourhood a Swedish town has. */
const AGE_PROFILES = {
  central: [10, 4, 32, 18, 14, 14, 8],
  mixed: [24, 6, 24, 20, 13, 9, 4],
  family: [24, 6, 12, 24, 17, 12, 5],
  older: [13, 4, 14, 16, 21, 22, 10],
  villa: [20, 6, 9, 21, 22, 17, 5],
} as const;

/** How one stadsdel behaves in the demo: who lives there, how much happens and how it feels. */
export interface StadsdelSpec {
  key: string;
  name: string;
  parentKey: string;
  col: number;
  row: number;
  profile: keyof typeof AGE_PROFILES;
  population: number;
  /** Relative rate per inhabitant of incidents not tied to a hotspot. */
  risk: number;
  /** Relative rate per inhabitant of residential burglary and night-time vehicle crime. */
  burglary: number;
  /** Relative rate per inhabitant of buskörning (open ground at the edge of town). */
  outskirts: number;
  /** Incidents rise ('up') or fall ('down') by about a third between the first and second year. */
  trend: 'up' | 'down' | null;
  /** Survey: shift of the latent unsafety score (logit scale) for residents. */
  unsafety: number;
  /** Survey: shift of each problem item's latent score; unspecified items get -0.3. */
  problems: Partial<Record<ProblemItem, number>>;
  streets: readonly string[];
}

/** The three kommundelar; each is a block of four stadsdelar below. */
export const KOMMUNDELAR = [
  { key: 'vastra', name: 'Västra kommundelen' },
  { key: 'ostra', name: 'Östra kommundelen' },
  { key: 'sodra', name: 'Södra kommundelen' },
] as const;

/**
 * The twelve stadsdelar, four columns (west→east) by three rows (south→north) of curvilinear
 * cells between the town's boundaries (see BOUNDARY_SHAPES), so neighbours keep their places
 * while no district is a square. Planted stories:
 * Centrum and Stationsområdet have many incidents and feel unsafe; Solhöjden feels unsafe
 * (dark park, underpass) with few incidents; Ekdalen has many incidents (shopping centre)
 * and feels safe; Norrbacka is getting worse and Björkängen better.
 */
export const STADSDELAR: readonly StadsdelSpec[] = [
  {
    key: 'norrbacka', name: 'Norrbacka', parentKey: 'vastra', col: 0, row: 2, profile: 'mixed', population: 11_000,
    risk: 1.25, burglary: 1.0, outskirts: 1.6, trend: 'up', unsafety: 0.35,
    problems: { narkotika: 0.7, ungdomsgang: 0.9, buskorning: 0.8, klotter: 0.5, nedskrapning: 0.5 },
    streets: ['Norrbackavägen', 'Granitvägen', 'Blåklintsgatan', 'Vallmovägen', 'Skogsbrynet', 'Norra Ringvägen', 'Fältspatsgatan'],
  },
  {
    key: 'tallmon', name: 'Tallmon', parentKey: 'vastra', col: 1, row: 2, profile: 'family', population: 7_800,
    risk: 0.75, burglary: 1.1, outskirts: 0.9, trend: null, unsafety: -0.3,
    problems: { buskorning: 0.2 },
    streets: ['Tallmovägen', 'Barrstigen', 'Kottegatan', 'Mossvägen', 'Tallbacken', 'Ljungvägen'],
  },
  {
    key: 'kvarnbacken', name: 'Kvarnbacken', parentKey: 'ostra', col: 2, row: 2, profile: 'older', population: 6_000,
    risk: 0.8, burglary: 1.1, outskirts: 0.5, trend: null, unsafety: -0.2,
    problems: {},
    streets: ['Kvarnbacksgatan', 'Mjölnargatan', 'Möllegatan', 'Kvarnstensvägen', 'Sädesgatan', 'Vindbrovägen'],
  },
  {
    key: 'osterang', name: 'Österäng', parentKey: 'ostra', col: 3, row: 2, profile: 'family', population: 8_200,
    risk: 0.75, burglary: 1.25, outskirts: 1.2, trend: null, unsafety: -0.35,
    problems: { buskorning: 0.4 },
    streets: ['Österängsvägen', 'Ängsgatan', 'Hagtornsvägen', 'Klövervägen', 'Gullvivegatan', 'Prästkragevägen'],
  },
  {
    key: 'vastra-hamnen', name: 'Västra hamnen', parentKey: 'vastra', col: 0, row: 1, profile: 'central', population: 6_500,
    risk: 1.0, burglary: 0.8, outskirts: 0.4, trend: null, unsafety: 0.05,
    problems: { nedskrapning: 0.4, brak_berusade: 0.5 },
    streets: ['Kajgatan', 'Hamnpromenaden', 'Varvsgatan', 'Fyrgatan', 'Båtsmansgatan', 'Slipvägen'],
  },
  {
    key: 'centrum', name: 'Centrum', parentKey: 'vastra', col: 1, row: 1, profile: 'central', population: 9_000,
    risk: 2.0, burglary: 0.5, outskirts: 0.1, trend: null, unsafety: 0.55,
    problems: { nedskrapning: 0.8, klotter: 0.4, narkotika: 0.5, brak_berusade: 1.3, buskorning: -0.2, dalig_belysning: -0.5, ungdomsgang: 0.4 },
    streets: ['Storgatan', 'Kyrkogatan', 'Drottninggatan', 'Torggatan', 'Rådhusgatan', 'Hamngatan', 'Västra Långgatan'],
  },
  {
    key: 'stationsomradet', name: 'Stationsområdet', parentKey: 'ostra', col: 2, row: 1, profile: 'central', population: 5_500,
    risk: 2.3, burglary: 0.45, outskirts: 0.1, trend: null, unsafety: 0.8,
    problems: { nedskrapning: 0.9, klotter: 1.0, narkotika: 1.1, brak_berusade: 1.0, buskorning: -0.1, dalig_belysning: 0.1, ungdomsgang: 0.8 },
    streets: ['Stationsgatan', 'Järnvägsgatan', 'Banvägen', 'Godsgatan', 'Spårgatan', 'Perrongvägen'],
  },
  {
    key: 'ekdalen', name: 'Ekdalen', parentKey: 'ostra', col: 3, row: 1, profile: 'mixed', population: 4_200,
    risk: 2.0, burglary: 0.35, outskirts: 0.6, trend: null, unsafety: -0.7,
    problems: { nedskrapning: 0.2, dalig_belysning: -0.6 },
    streets: ['Ekdalsvägen', 'Handelsvägen', 'Köpmangatan', 'Ekbacken', 'Lagerplan', 'Industrigatan'],
  },
  {
    key: 'lindas', name: 'Lindås', parentKey: 'sodra', col: 0, row: 0, profile: 'family', population: 5_200,
    risk: 0.75, burglary: 1.1, outskirts: 1.4, trend: null, unsafety: -0.3,
    problems: { buskorning: 0.5 },
    streets: ['Lindåsvägen', 'Lindallén', 'Björnbärsvägen', 'Hasselstigen', 'Bokvägen', 'Lönnvägen'],
  },
  {
    key: 'solhojden', name: 'Solhöjden', parentKey: 'sodra', col: 1, row: 0, profile: 'older', population: 9_500,
    risk: 0.3, burglary: 0.35, outskirts: 0.3, trend: null, unsafety: 0.85,
    problems: { dalig_belysning: 1.9, klotter: 0.4, ungdomsgang: 0.3, narkotika: 0.1, nedskrapning: 0.2 },
    streets: ['Solhöjdsvägen', 'Solvändan', 'Solgårdsgatan', 'Parkstigen', 'Höjdgatan', 'Södra länken'],
  },
  {
    key: 'bjorkangen', name: 'Björkängen', parentKey: 'sodra', col: 2, row: 0, profile: 'mixed', population: 7_400,
    risk: 1.1, burglary: 1.15, outskirts: 0.8, trend: 'down', unsafety: 0.1,
    problems: { nedskrapning: 0.3, ungdomsgang: 0.2 },
    streets: ['Björkängsvägen', 'Björkgatan', 'Lövstigen', 'Vårdvägen', 'Ängsbacken', 'Aspgatan'],
  },
  {
    key: 'hagaberg', name: 'Hagaberg', parentKey: 'sodra', col: 3, row: 0, profile: 'villa', population: 3_100,
    risk: 0.55, burglary: 1.7, outskirts: 1.3, trend: null, unsafety: -0.6,
    problems: { buskorning: 0.3 },
    streets: ['Hagabergsvägen', 'Villagatan', 'Trädgårdsvägen', 'Äppelstigen', 'Plommonvägen', 'Syrenvägen'],
  },
];

/** Base lines of the boundaries (SWEREF 99 TM metres): a town of about 12 × 9 km near E 674 000, N 6 580 000. */
const GRID_E = [668_000, 671_400, 674_400, 677_000, 680_000];
const GRID_N = [6_575_500, 6_578_500, 6_581_200, 6_584_500];

/**
 * How each boundary bends, which is what makes the districts follow the town's features: west to
 * east, the Storsjön shore (bays), the river Demoån (meanders between Västra hamnen and Centrum),
 * the railway (straight and gently slanting, west of Stationsområdet), Östra leden and the eastern
 * forest edge; south to north, the southern forest edge, Södra ringvägen, Norra ringvägen and
 * the northern forest edge. Amplitudes stay well below the spacing of the lines, so curves of one
 * family never meet and every ring stays simple.
 */
const BOUNDARY_SHAPES: { vertical: CurveShape[]; horizontal: CurveShape[] } = {
  vertical: [
    { tilt: 300, bow: -1000, waves: [[300, 1.1], [150, 2.6], [70, 5.3]] },
    { tilt: -400, waves: [[260, 2.2], [100, 5]] },
    { tilt: 900, bow: 250, waves: [[80, 0.6]] },
    { tilt: -300, bow: 450, waves: [[150, 1.4], [60, 2.3]] },
    { tilt: -600, bow: 1000, waves: [[280, 1.2], [140, 2.8], [60, 6.1]] },
  ],
  horizontal: [
    { tilt: 400, bow: -1000, waves: [[300, 1.3], [150, 3.1], [60, 6.7]] },
    { tilt: 300, bow: -450, waves: [[120, 1.1], [50, 2.1]] },
    { tilt: -350, bow: 450, waves: [[120, 1.2], [50, 1.9]] },
    { tilt: -500, bow: 1100, waves: [[320, 1.2], [170, 2.9], [70, 5.7]] },
  ],
};

/**
 * Places that concentrate incidents or marks, as fractions (u, v) of their stadsdel between its
 * western and eastern (southern and northern) boundaries;
 * `landmark` ones are shipped to the map. `places` are what a report would write as the place.
 */
const HOTSPOT_SPECS = [
  { key: 'torget', name: 'Stortorget', stadsdel: 'centrum', u: 0.72, v: 0.52, landmark: true, places: ['Stortorget', 'Storgatan', 'Torggatan', 'Rådhusgatan'] },
  { key: 'station', name: 'Demostad resecentrum', stadsdel: 'stationsomradet', u: 0.2, v: 0.5, landmark: true, places: ['Resecentrum', 'Stationsgatan', 'Järnvägsgatan', 'Busstorget vid resecentrum'] },
  { key: 'krogstraket', name: 'Storgatan (krogstråket)', stadsdel: 'centrum', u: 0.88, v: 0.45, landmark: true, places: ['Storgatan', 'Hamngatan', 'Kyrkogatan'] },
  { key: 'kopcentrum', name: 'Ekdalens köpcentrum', stadsdel: 'ekdalen', u: 0.45, v: 0.45, landmark: true, places: ['Ekdalens köpcentrum', 'Handelsvägen', 'Köpcentrets parkering', 'Köpmangatan'] },
  { key: 'park', name: 'Solhöjdsparken', stadsdel: 'solhojden', u: 0.5, v: 0.6, landmark: true, places: ['Solhöjdsparken', 'Parkstigen', 'Gångvägen genom Solhöjdsparken'] },
  { key: 'gangtunnel', name: 'Gångtunneln under Södra länken', stadsdel: 'solhojden', u: 0.78, v: 0.84, landmark: true, places: ['Gångtunneln under Södra länken', 'Södra länken'] },
  { key: 'hamnen', name: 'Hamnpiren', stadsdel: 'vastra-hamnen', u: 0.35, v: 0.5, landmark: true, places: ['Hamnpiren', 'Hamnpromenaden', 'Kajgatan'] },
  { key: 'skola-norrbacka', name: 'Norrbackaskolan', stadsdel: 'norrbacka', u: 0.55, v: 0.45, landmark: true, places: ['Norrbackaskolan', 'Norrbackavägen'] },
  { key: 'skola-tallmon', name: 'Tallmoskolan', stadsdel: 'tallmon', u: 0.4, v: 0.45, landmark: true, places: ['Tallmoskolan', 'Tallmovägen'] },
  { key: 'skola-kvarnbacken', name: 'Kvarnbacksskolan', stadsdel: 'kvarnbacken', u: 0.5, v: 0.4, landmark: true, places: ['Kvarnbacksskolan', 'Kvarnbacksgatan'] },
  { key: 'skola-lindas', name: 'Lindåsskolan', stadsdel: 'lindas', u: 0.5, v: 0.55, landmark: true, places: ['Lindåsskolan', 'Lindåsvägen'] },
] as const;

/** Keys of the demo's hotspots; the landmark ones are also the keys of `DemoData.landmarks`. */
export type HotspotKey = (typeof HOTSPOT_SPECS)[number]['key'];

/** A place in the town that concentrates incidents or marks, at a whole-metre EPSG:3006 position. */
export interface Hotspot {
  key: HotspotKey;
  name: string;
  position: Position;
  landmark: boolean;
  places: readonly string[];
}

/** A stadsdel's behaviour, its generated district and the bounding box of its ring. */
export interface TownStadsdel {
  spec: StadsdelSpec;
  district: DemoDistrict;
  bounds: [number, number, number, number];
  corners: CellCorners;
  /** The point at fractions (u eastwards, v northwards) between the stadsdel's boundaries. */
  point(u: number, v: number): Position;
}

/** The demo town: districts (kommundelar first, then stadsdelar), hotspots and point location. */
export interface Town {
  districts: DemoDistrict[];
  stadsdelar: TownStadsdel[];
  hotspots: ReadonlyMap<HotspotKey, Hotspot>;
  /** River, lake, forest, parks, roads and streets: the offline basemap and where points may fall. */
  landscape: Landscape;
  /** Index into `stadsdelar` of the stadsdel containing `p`, or -1 outside the town. */
  locate(p: Position): number;
  /**
   * Like `locate`, but -1 also within a metre of a district boundary, so that generated points
   * are unambiguously inside one stadsdel whichever point-in-polygon rule a consumer uses, and -1
   * on water (nothing happens in the lake or the river).
   */
  locateClearly(p: Position): number;
  /** A random whole-metre point inside stadsdel `index`: mostly along its streets, never on water, rarely in forest. */
  randomPointIn(index: number, random: DemoRandom): Position;
}

function splitPopulation(spec: StadsdelSpec, random: DemoRandom): Pick<DemoDistrict, 'population' | 'populationByGender' | 'populationByAge'> {
  const population = Math.round((spec.population * (1 + random.between(-0.06, 0.06))) / 10) * 10;
  const shares = AGE_PROFILES[spec.profile].map((s) => s * (1 + random.between(-0.08, 0.08)));
  const counts = allocate(population, shares);
  const populationByAge = Object.fromEntries(AGE_GROUPS.map((g, i) => [g, counts[i]])) as Record<PopulationAgeGroup, number>;
  // Women outnumber men among the old, so older areas lean slightly female.
  const womenShare = 0.493 + 0.04 * ((counts[5] + counts[6]) / population) + random.between(-0.004, 0.004);
  const kvinna = Math.round(population * womenShare);
  return { population, populationByGender: { kvinna, man: population - kvinna }, populationByAge };
}

/** Share of spread-out incidents and marks placed along streets rather than anywhere in the stadsdel. */
const STREET_SHARE = 0.7;

/** Builds the town's geometry and populations from `random` (the geometry draws come first). */
export function buildTown(random: DemoRandom): Town {
  const tiling = buildTownTiling(GRID_E, GRID_N, BOUNDARY_SHAPES, random);
  const stadsdelar: TownStadsdel[] = STADSDELAR.map((spec) => {
    const ring = tiling.ring(spec.col, spec.row);
    const district: DemoDistrict = { key: spec.key, name: spec.name, kind: 'stadsdel', parentKey: spec.parentKey, ...splitPopulation(spec, random), ring };
    const point = (u: number, v: number): Position => tiling.point(spec.col, spec.row, u, v);
    return { spec, district, bounds: ringBounds(ring), corners: tiling.corners(spec.col, spec.row), point };
  });
  const kommundelar: DemoDistrict[] = KOMMUNDELAR.map(({ key, name }) => {
    const children = stadsdelar.filter((s) => s.spec.parentKey === key).map((s) => s.district);
    const populationByAge = Object.fromEntries(
      AGE_GROUPS.map((g) => [g, children.reduce((sum, c) => sum + c.populationByAge[g], 0)]),
    ) as Record<PopulationAgeGroup, number>;
    return {
      key,
      name,
      kind: 'kommundel',
      parentKey: null,
      population: children.reduce((sum, c) => sum + c.population, 0),
      populationByGender: {
        kvinna: children.reduce((sum, c) => sum + c.populationByGender.kvinna, 0),
        man: children.reduce((sum, c) => sum + c.populationByGender.man, 0),
      },
      populationByAge,
      ring: outlineOf(children.map((c) => c.ring)),
    };
  });

  // Drawn last from the town's stream, so adding the landscape left districts and populations unchanged.
  const landscape = buildLandscape(
    stadsdelar.map((s) => ({ key: s.spec.key, col: s.spec.col, row: s.spec.row, point: s.point, ring: s.district.ring, streets: s.spec.streets })),
    tiling,
    createRandom(Math.floor(random.next() * 2 ** 31)),
  );

  const locate = (p: Position): number => {
    for (let i = 0; i < stadsdelar.length; i++) {
      const [minE, minN, maxE, maxN] = stadsdelar[i].bounds;
      if (p[0] < minE || p[0] > maxE || p[1] < minN || p[1] > maxN) continue;
      if (pointInRing(p, stadsdelar[i].district.ring)) return i;
    }
    return -1;
  };

  const locateClearly = (p: Position): number => {
    const index = locate(p);
    return index >= 0 && distanceToRing(p, stadsdelar[index].district.ring) >= 1 && !landscape.isWater(p) ? index : -1;
  };

  const hotspots = new Map<HotspotKey, Hotspot>();
  for (const h of HOTSPOT_SPECS) {
    const spec = STADSDELAR.find((s) => s.key === h.stadsdel);
    if (!spec) throw new Error(`hotspot ${h.key} in unknown stadsdel ${h.stadsdel}`);
    const position = tiling.point(spec.col, spec.row, h.u, h.v);
    hotspots.set(h.key, { key: h.key, name: h.name, position, landmark: h.landmark, places: h.places });
  }

  return {
    districts: [...kommundelar, ...stadsdelar.map((s) => s.district)],
    stadsdelar,
    hotspots,
    landscape,
    locate,
    locateClearly,
    randomPointIn(index, r) {
      const { bounds, district } = stadsdelar[index];
      const streets = landscape.streetsOf(index);
      for (;;) {
        let p: Position;
        if (r.chance(STREET_SHARE)) {
          // Along a street: a point on one of its segments, a few metres to either side.
          const street = r.pick(streets);
          const k = r.int(street.length - 1);
          const t = r.next();
          const [a, b] = [street[k], street[k + 1]];
          p = [Math.round(a[0] + (b[0] - a[0]) * t + r.normal() * 9), Math.round(a[1] + (b[1] - a[1]) * t + r.normal() * 9)];
        } else {
          p = [Math.round(r.between(bounds[0], bounds[2])), Math.round(r.between(bounds[1], bounds[3]))];
        }
        if (landscape.isForest(p) && !r.chance(0.03)) continue;
        if (pointInRing(p, district.ring) && locateClearly(p) === index) return p;
      }
    },
  };
}
