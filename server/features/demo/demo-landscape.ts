import { cellPoint, pointInRing, type CellCorners, type Position } from './demo-geometry.ts';
import type { DemoRandom } from './demo-random.ts';

/**
 * The demo town's landscape: a river along the boundary between the western and eastern
 * kommundelar, a lake and forest where almost nothing happens, parks, an industrial area, main
 * roads, a railway through the station and the local streets incidents happen along. It is drawn
 * as the offline basemap and steers where generated points may fall.
 */

export type LandscapeKind = 'water' | 'river' | 'forest' | 'park' | 'industrial' | 'main_road' | 'street' | 'railway';

/** One basemap feature: a closed ring (areas) or a line, in EPSG:3006 metres. */
export interface LandscapeFeature {
  kind: LandscapeKind;
  name: string | null;
  geometry: { type: 'Polygon'; ring: Position[] } | { type: 'LineString'; line: Position[] };
}

/** What the landscape needs to know of one stadsdel: its grid cell, ring and street names. */
export interface LandscapeStadsdel {
  key: string;
  col: number;
  row: number;
  corners: CellCorners;
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

/** A line through a cell at constant u (northwards) or constant v (eastwards), bent with the cell. */
function cellLine(c: CellCorners, fixed: 'u' | 'v', value: number, from = 0.03, to = 0.97, steps = 8): Position[] {
  const line: Position[] = [];
  for (let k = 0; k <= steps; k++) {
    const t = from + ((to - from) * k) / steps;
    line.push(fixed === 'u' ? cellPoint(c, value, t) : cellPoint(c, t, value));
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

/** The western edge of a stadsdel's ring, south to north (the ring is bottom, right, top, left; each side six segments). */
function westEdge(ring: readonly Position[]): Position[] {
  const sides = (ring.length - 1) / 4;
  return ring.slice(3 * sides, 4 * sides + 1).map((p) => [p[0], p[1]] as Position).reverse();
}

/** The southern edge of a stadsdel's ring, west to east. */
function southEdge(ring: readonly Position[]): Position[] {
  const sides = (ring.length - 1) / 4;
  return ring.slice(0, sides + 1).map((p) => [p[0], p[1]] as Position);
}

/** Builds the landscape from the stadsdelar of the 4 × 3 demo grid; `random` is its own stream. */
export function buildLandscape(stadsdelar: readonly LandscapeStadsdel[], random: DemoRandom): Landscape {
  const at = (col: number, row: number): LandscapeStadsdel => {
    const s = stadsdelar.find((x) => x.col === col && x.row === row);
    if (!s) throw new Error(`no stadsdel at ${col},${row}`);
    return s;
  };
  const features: LandscapeFeature[] = [];
  const area = (kind: LandscapeKind, name: string | null, ring: Position[]) => features.push({ kind, name, geometry: { type: 'Polygon', ring } });
  const line = (kind: LandscapeKind, name: string | null, points: Position[]) => features.push({ kind, name, geometry: { type: 'LineString', line: points } });

  // The river is the boundary between the western and eastern halves: districts follow it.
  const river = extend(join([0, 1, 2].map((row) => westEdge(at(2, row).ring))), 2500);
  line('river', 'Demoån', river);

  // Lindåssjön inside Lindås, and Storsjön west of the harbour (outside the town).
  const lake = ellipse(cellPoint(at(0, 0).corners, 0.32, 0.42), 520, 330, 0.4, random);
  area('water', 'Lindåssjön', lake);
  const harbour = at(0, 1).corners;
  const sea = ellipse([harbour.sw[0] - 2600, Math.round((harbour.sw[1] + harbour.nw[1]) / 2)], 2700, 2300, 0.2, random, 36);
  area('water', 'Storsjön', sea);

  // Forest at the northern and eastern edges of town and a belt outside it.
  const forests = [
    ellipse(cellPoint(at(0, 2).corners, 0.3, 0.86), 900, 380, 0.1, random),
    ellipse(cellPoint(at(3, 0).corners, 0.86, 0.3), 380, 800, -0.2, random),
    ellipse(cellPoint(at(3, 2).corners, 0.9, 0.9), 700, 450, 0.3, random),
  ];
  for (const f of forests) area('forest', null, f);
  const belt = [
    ellipse(cellPoint(at(1, 2).corners, 0.5, 1.45), 3800, 1100, 0.05, random, 36),
    ellipse(cellPoint(at(3, 1).corners, 1.55, 0.5), 1100, 4200, 0.1, random, 36),
    ellipse(cellPoint(at(1, 0).corners, 0.6, -0.5), 4200, 1000, -0.05, random, 36),
  ];
  for (const f of belt) area('forest', null, f);

  area('park', 'Solhöjdsparken', ellipse(cellPoint(at(1, 0).corners, 0.5, 0.6), 330, 230, 0.3, random));
  area('park', 'Stadsparken', ellipse(cellPoint(at(1, 1).corners, 0.42, 0.7), 230, 160, -0.2, random));
  area('park', 'Hamnparken', ellipse(cellPoint(at(0, 1).corners, 0.2, 0.35), 200, 150, 0.5, random));
  area('industrial', 'Ekdalens industriområde', ellipse(cellPoint(at(3, 1).corners, 0.75, 0.2), 520, 300, 0.1, random));

  // Main roads: two of them are district boundaries (as in a real town, where stadsdelar end at the
  // ring road and the western approach); Storgatan and Södra länken run through the middle.
  const across = (row: number, v: number, cols: number[]) => join(cols.map((col) => cellLine(at(col, row).corners, 'v', v, 0, 1)));
  const along = (col: number, u: number, rows: number[]) => join(rows.map((row) => cellLine(at(col, row).corners, 'u', u, 0, 1)));
  line('main_road', 'Storgatan', extend(across(1, 0.5, [0, 1, 2, 3]), 3000));
  line('main_road', 'Norra ringvägen', extend(join([0, 1, 2, 3].map((col) => southEdge(at(col, 2).ring))), 2000));
  line('main_road', 'Västra infarten', extend(join([0, 1, 2].map((row) => westEdge(at(1, row).ring))), 2500));
  line('main_road', 'Södra länken', extend(across(0, 0.84, [1, 2, 3]), 2500));
  line('main_road', 'Östra leden', extend(join([0, 1, 2].map((row) => westEdge(at(3, row).ring))), 2500));
  line('railway', 'Stambanan', extend(along(2, 0.2, [0, 1, 2]), 4000));

  const streets = stadsdelar.map((s) => {
    const lines = [
      ...LOCAL_STREETS_U.map((u) => cellLine(s.corners, 'u', u)),
      ...LOCAL_STREETS_V.map((v) => cellLine(s.corners, 'v', v)),
    ];
    lines.forEach((l, i) => line('street', s.streets[i % s.streets.length], l));
    return lines;
  });

  const waters = [lake, sea];
  return {
    features,
    isWater: (p) => waters.some((w) => pointInRing(p, w)) || distanceToLine(p, river) <= RIVER_HALF_WIDTH,
    isForest: (p) => forests.some((f) => pointInRing(p, f)),
    streetsOf: (index) => streets[index],
  };
}
