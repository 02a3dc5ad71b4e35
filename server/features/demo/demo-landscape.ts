import { pointInRing, type Position, type TownTiling } from './demo-geometry.ts';
import type { DemoRandom } from './demo-random.ts';

/**
 * The demo town's landscape, drawn from the same lines that bound the districts: the river
 * Demoån between Västra hamnen and Centrum, the railway west of Stationsområdet, Norra and Södra
 * ringvägen between the rows of stadsdelar, Östra leden, the Storsjön shore in the west and
 * forest beyond the other edges. Inside: a lake and forest where almost nothing happens, parks,
 * an industrial area, Storgatan, Södra länken and the local streets incidents happen along. It is
 * drawn as the offline basemap and steers where generated points may fall.
 */

export type LandscapeKind = 'water' | 'river' | 'forest' | 'park' | 'industrial' | 'main_road' | 'street' | 'railway';

/** One basemap feature: a closed ring (areas) or a line, in EPSG:3006 metres. */
export interface LandscapeFeature {
  kind: LandscapeKind;
  name: string | null;
  geometry: { type: 'Polygon'; ring: Position[] } | { type: 'LineString'; line: Position[] };
}

/** What the landscape needs to know of one stadsdel: its cell, ring, frame and street names. */
export interface LandscapeStadsdel {
  key: string;
  col: number;
  row: number;
  /** The point at fractions (u eastwards, v northwards) between the stadsdel's boundaries. */
  point(u: number, v: number): Position;
  ring: readonly Position[];
  streets: readonly string[];
}

export interface Landscape {
  features: LandscapeFeature[];
  /** Where no incident or mark may lie: open water and the river. */
  isWater(p: Position): boolean;
  /** Forest inside the town: points there are mostly rejected. */
  isForest(p: Position): boolean;
  /** The local streets of stadsdel `index` (order of the stadsdelar given), for placing incidents along them. */
  streetsOf(index: number): readonly Position[][];
}

const RIVER_HALF_WIDTH = 35;
const LOCAL_STREETS_U = [0.22, 0.47, 0.74] as const;
const LOCAL_STREETS_V = [0.27, 0.55, 0.8] as const;

function ellipse(centre: Position, rx: number, ry: number, rotation: number, random: DemoRandom, vertices = 28): Position[] {
  const ring: Position[] = [];
  const wobble = [random.between(-0.12, 0.12), random.between(-0.08, 0.08), random.between(0, Math.PI * 2)];
  for (let k = 0; k < vertices; k++) {
    const a = (k / vertices) * Math.PI * 2;
    const r = 1 + wobble[0] * Math.sin(3 * a + wobble[2]) + wobble[1] * Math.cos(5 * a);
    const x = Math.cos(a) * rx * r;
    const y = Math.sin(a) * ry * r;
    ring.push([
      Math.round(centre[0] + x * Math.cos(rotation) - y * Math.sin(rotation)),
      Math.round(centre[1] + x * Math.sin(rotation) + y * Math.cos(rotation)),
    ]);
  }
  ring.push([ring[0][0], ring[0][1]]);
  return ring;
}

/** A line through a stadsdel at constant u (northwards) or constant v (eastwards), bent with its boundaries. */
function cellLine(s: LandscapeStadsdel, fixed: 'u' | 'v', value: number, from = 0.03, to = 0.97, steps = 10): Position[] {
  const line: Position[] = [];
  for (let k = 0; k <= steps; k++) {
    const t = from + ((to - from) * k) / steps;
    line.push(fixed === 'u' ? s.point(value, t) : s.point(t, value));
  }
  return line;
}

/** Extends a line at both ends along its end directions by `metres`. */
function extend(line: Position[], metres: number): Position[] {
  const out = (a: Position, b: Position): Position => {
    const d = Math.hypot(a[0] - b[0], a[1] - b[1]) || 1;
    return [Math.round(a[0] + ((a[0] - b[0]) / d) * metres), Math.round(a[1] + ((a[1] - b[1]) / d) * metres)];
  };
  return [out(line[0], line[1]), ...line, out(line[line.length - 1], line[line.length - 2])];
}

function distanceToLine(p: Position, line: readonly Position[]): number {
  let best = Infinity;
  for (let k = 0; k < line.length - 1; k++) {
    const [ax, ay] = line[k];
    const [bx, by] = line[k + 1];
    const dx = bx - ax, dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - ax) * dx + (p[1] - ay) * dy) / len2));
    best = Math.min(best, Math.hypot(p[0] - (ax + t * dx), p[1] - (ay + t * dy)));
  }
  return best;
}

/** Concatenates lines that meet end to start, dropping the repeated joints. */
function join(lines: Position[][]): Position[] {
  const out: Position[] = [];
  for (const line of lines) for (const p of line) if (!out.length || out[out.length - 1][0] !== p[0] || out[out.length - 1][1] !== p[1]) out.push(p);
  return out;
}

/**
 * A band beyond one edge of the town, between the edge curve (a few metres out, so it never
 * covers a district) and a wobbly line `depth` metres further out; `along` runs from `from` to `to`.
 */
function band(edge: (along: number) => number, outwards: 1 | -1, axis: 'e' | 'n', from: number, to: number, depth: number, random: DemoRandom): Position[] {
  const steps = Math.max(8, Math.round((to - from) / 200));
  const phase = [random.between(0, Math.PI * 2), random.between(0, Math.PI * 2)];
  const at = (along: number, offset: number): Position => {
    const across = Math.round(edge(along) + outwards * offset);
    return axis === 'e' ? [Math.round(along), across] : [across, Math.round(along)];
  };
  const inner: Position[] = [];
  const outer: Position[] = [];
  for (let k = 0; k <= steps; k++) {
    const along = from + ((to - from) * k) / steps;
    const t = k / steps;
    inner.push(at(along, 15));
    outer.push(at(along, depth * (1 + 0.3 * Math.sin(2 * Math.PI * 1.7 * t + phase[0]) + 0.15 * Math.sin(2 * Math.PI * 4.3 * t + phase[1]))));
  }
  const ring = [...inner, ...outer.reverse()];
  ring.push([ring[0][0], ring[0][1]]);
  // Counter-clockwise whichever side the band lies on.
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i++) sum += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return sum < 0 ? ring.reverse() : ring;
}

/** Builds the landscape from the stadsdelar of the 4 × 3 demo town and its boundaries; `random` is its own stream. */
export function buildLandscape(stadsdelar: readonly LandscapeStadsdel[], tiling: TownTiling, random: DemoRandom): Landscape {
  const at = (col: number, row: number): LandscapeStadsdel => {
    const s = stadsdelar.find((x) => x.col === col && x.row === row);
    if (!s) throw new Error(`no stadsdel at ${col},${row}`);
    return s;
  };
  const features: LandscapeFeature[] = [];
  const area = (kind: LandscapeKind, name: string | null, ring: Position[]) => features.push({ kind, name, geometry: { type: 'Polygon', ring } });
  const line = (kind: LandscapeKind, name: string | null, points: Position[]) => features.push({ kind, name, geometry: { type: 'LineString', line: points } });
  /** A boundary of the districts, continued beyond the town: the very vertices the rings use. */
  const boundary = (kind: 'vertical' | 'horizontal', index: number, before: number, after = before): Position[] => [
    ...(before > 0 ? tiling.beyond(kind, index, 'start', before) : []),
    ...(kind === 'vertical' ? tiling.vertical(index) : tiling.horizontal(index)),
    ...(after > 0 ? tiling.beyond(kind, index, 'end', after) : []),
  ];
  const { cols, rows } = tiling;
  const sw = tiling.corners(0, 0).sw;
  const nw = tiling.corners(0, rows - 1).nw;
  const se = tiling.corners(cols - 1, 0).se;
  const ne = tiling.corners(cols - 1, rows - 1).ne;

  // The river meanders between Västra hamnen and Centrum (and on through the town): districts follow it.
  const river = boundary('vertical', 1, 2500);
  line('river', 'Demoån', river);

  // Storsjön: its eastern shore is the town's western edge from Lindås to Norrbacka, bays and all.
  const [shoreFrom, shoreTo] = [sw[1] + 0.28 * (nw[1] - sw[1]), sw[1] + 0.9 * (nw[1] - sw[1])];
  const shore: Position[] = [];
  for (let n = shoreFrom; n <= shoreTo; n += (shoreTo - shoreFrom) / 40) shore.push([Math.round(tiling.xAt(0, n) - 12), Math.round(n)]);
  const westmost = Math.min(...shore.map((p) => p[0])) - 150;
  const [mid, half] = [(shoreFrom + shoreTo) / 2, (shoreTo - shoreFrom) / 2];
  const wobble = [random.between(0, Math.PI * 2), random.between(0, Math.PI * 2)];
  const sea: Position[] = [...shore];
  for (let k = 0; k <= 36; k++) {
    const a = Math.PI / 2 + (Math.PI * k) / 36;
    const r = 3200 * (1 + 0.12 * Math.sin(3 * a + wobble[0]) + 0.06 * Math.sin(7 * a + wobble[1]));
    sea.push([Math.round(westmost + r * Math.cos(a)), Math.round(mid + half * Math.sin(a))]);
  }
  sea.push([sea[0][0], sea[0][1]]);
  area('water', 'Storsjön', sea);

  // Lindåssjön inside Lindås, sized to it so that a narrow Lindås keeps its school on dry land.
  const lindas = at(0, 0);
  const span = (a: Position, b: Position) => Math.hypot(b[0] - a[0], b[1] - a[1]);
  const lake = ellipse(lindas.point(0.32, 0.42), Math.min(520, 0.14 * span(lindas.point(0, 0.42), lindas.point(1, 0.42))), Math.min(330, 0.1 * span(lindas.point(0.32, 0), lindas.point(0.32, 1))), 0.4, random);
  area('water', 'Lindåssjön', lake);

  // Forest inside the town at its edges, and beyond every edge that is not the shore.
  const forests = [
    ellipse(at(0, 2).point(0.3, 0.86), 900, 380, 0.1, random),
    ellipse(at(3, 0).point(0.86, 0.3), 380, 800, -0.2, random),
    ellipse(at(3, 2).point(0.9, 0.9), 700, 450, 0.3, random),
  ];
  for (const f of forests) area('forest', null, f);
  const belts = [
    band((e) => tiling.yAt(rows, e), 1, 'e', nw[0] - 1200, ne[0] + 1200, 1400, random),
    band((e) => tiling.yAt(0, e), -1, 'e', sw[0] - 1200, se[0] + 1200, 1300, random),
    band((n) => tiling.xAt(cols, n), 1, 'n', se[1] - 1200, ne[1] + 1200, 1500, random),
    band((n) => tiling.xAt(0, n), -1, 'n', sw[1] - 1200, shoreFrom, 1200, random),
    band((n) => tiling.xAt(0, n), -1, 'n', shoreTo, nw[1] + 1200, 1200, random),
  ];
  for (const f of belts) area('forest', null, f);

  area('park', 'Solhöjdsparken', ellipse(at(1, 0).point(0.5, 0.6), 330, 230, 0.3, random));
  area('park', 'Stadsparken', ellipse(at(1, 1).point(0.42, 0.7), 230, 160, -0.2, random));
  area('park', 'Hamnparken', ellipse(at(0, 1).point(0.2, 0.35), 200, 150, 0.5, random));
  area('industrial', 'Ekdalens industriområde', ellipse(at(3, 1).point(0.75, 0.2), 520, 300, 0.1, random));

  // Main roads: the ring roads between the rows of stadsdelar and Östra leden are district
  // boundaries (as in a real town, where stadsdelar end at the ring road); Storgatan and Södra
  // länken run through the middle.
  // Roads that reach the harbour end at the Storsjön shore; the others go on into the country.
  const across = (row: number, v: number, from: number, to: number) => join(Array.from({ length: to - from + 1 }, (_, k) => cellLine(at(from + k, row), 'v', v, 0, 1)));
  const eastwards = (points: Position[], metres: number) => extend(points, metres).slice(1);
  line('main_road', 'Storgatan', eastwards(across(1, 0.5, 0, cols - 1), 2500));
  line('main_road', 'Norra ringvägen', boundary('horizontal', 2, 0, 2000));
  line('main_road', 'Södra ringvägen', boundary('horizontal', 1, 0, 2500));
  line('main_road', 'Södra länken', extend(across(0, 0.84, 1, cols - 1), 2500));
  line('main_road', 'Östra leden', boundary('vertical', 3, 2500));
  // The railway runs along the boundary west of Stationsområdet.
  line('railway', 'Stambanan', boundary('vertical', 2, 4000));

  // Local streets run on to the ring roads, the railway, Östra leden and the town's edge, but
  // stop short of the river (bridges are for main roads).
  const riverCol = 1;
  const streets = stadsdelar.map((s) => {
    const lines = [
      ...LOCAL_STREETS_U.map((u) => cellLine(s, 'u', u, 0, 1)),
      ...LOCAL_STREETS_V.map((v) => cellLine(s, 'v', v, s.col === riverCol ? 0.03 : 0, s.col === riverCol - 1 ? 0.97 : 1)),
    ];
    // Drawn only where they are on land: a street ends at the lake shore instead of crossing Lindåssjön.
    lines.forEach((l, i) => dryRuns(l, lake).forEach((run) => line('street', s.streets[i % s.streets.length], run)));
    return lines;
  });

  const waters = [lake, sea];
  // Most candidate points are far from the river: a bounding-box test spares the segment walk.
  const riverE = river.map((p) => p[0]);
  const [riverMinE, riverMaxE] = [Math.min(...riverE) - RIVER_HALF_WIDTH, Math.max(...riverE) + RIVER_HALF_WIDTH];
  return {
    features,
    isWater: (p) =>
      waters.some((w) => pointInRing(p, w)) || (p[0] >= riverMinE && p[0] <= riverMaxE && distanceToLine(p, river) <= RIVER_HALF_WIDTH),
    isForest: (p) => forests.some((f) => pointInRing(p, f)),
    streetsOf: (index) => streets[index],
  };
}

/** The parts of a line outside a ring (a lake), found in steps of at most 10 m: each keeps its vertices and shore points. */
export function dryRuns(points: readonly Position[], ring: readonly Position[]): Position[][] {
  const walked: { p: Position; vertex: boolean }[] = [];
  points.forEach((p, i) => {
    if (i > 0) {
      const [x0, y0] = points[i - 1];
      const steps = Math.ceil(Math.hypot(p[0] - x0, p[1] - y0) / 10);
      for (let k = 1; k < steps; k++) walked.push({ p: [x0 + ((p[0] - x0) * k) / steps, y0 + ((p[1] - y0) * k) / steps], vertex: false });
    }
    walked.push({ p, vertex: true });
  });
  const runs: { p: Position; vertex: boolean }[][] = [];
  let run: { p: Position; vertex: boolean }[] = [];
  for (const w of walked) {
    if (!pointInRing(w.p, ring)) run.push(w);
    else if (run.length) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length) runs.push(run);
  return runs
    .filter((r) => r.length > 1)
    .map((r) => r.filter((w, k) => w.vertex || k === 0 || k === r.length - 1).map((w) => w.p));
}
