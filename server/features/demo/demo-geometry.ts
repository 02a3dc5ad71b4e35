import type { DemoRandom } from './demo-random.ts';

/** A SWEREF 99 TM (EPSG:3006) position as [easting, northing] in metres. */
export type Position = [number, number];

/** True when `p` lies inside the closed ring (even–odd ray casting; boundary points may go either way). */
export function pointInRing(p: Position, ring: readonly Position[]): boolean {
  const [x, y] = p;
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Distance in metres from `p` to the nearest segment of a ring. */
export function distanceToRing(p: Position, ring: readonly Position[]): number {
  let best = Infinity;
  for (let k = 0; k < ring.length - 1; k++) {
    const [ax, ay] = ring[k];
    const [bx, by] = ring[k + 1];
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - ax) * dx + (p[1] - ay) * dy) / len2));
    const d = Math.hypot(p[0] - (ax + t * dx), p[1] - (ay + t * dy));
    if (d < best) best = d;
  }
  return best;
}

/** Signed area of a closed ring in square metres: positive when counter-clockwise. */
export function signedArea(ring: readonly Position[]): number {
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i++) sum += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return sum / 2;
}

/** Bounding box [minE, minN, maxE, maxN] of a ring. */
export function ringBounds(ring: readonly Position[]): [number, number, number, number] {
  let minE = Infinity, minN = Infinity, maxE = -Infinity, maxN = -Infinity;
  for (const [e, n] of ring) {
    if (e < minE) minE = e;
    if (n < minN) minN = n;
    if (e > maxE) maxE = e;
    if (n > maxN) maxN = n;
  }
  return [minE, minN, maxE, maxN];
}

/** A cell's four corners, counter-clockwise from south-west. */
export interface CellCorners {
  sw: Position;
  se: Position;
  ne: Position;
  nw: Position;
}

/**
 * One boundary curve of the tiling as a function of the other coordinate: a north–south line
 * gives the easting at each northing, an east–west line the northing at each easting. Defined
 * beyond the town too, so a river or road drawn along a boundary continues smoothly outside it.
 */
export type BoundaryCurve = (along: number) => number;

/** The shape of one boundary: a tilt over the town's extent plus smooth waves (metres). */
export interface CurveShape {
  /** Displacement at the far end minus that at the near end, in metres (a straight tilt). */
  tilt: number;
  /**
   * A bow over the town's extent, in metres: positive bends the middle north (east) and pulls the
   * ends back by half as much, so outer edges bowed outwards round off the town's corners.
   */
  bow?: number;
  /** Waves as [amplitude in metres, cycles over the town's extent]; phases are drawn. */
  waves: readonly (readonly [number, number])[];
}

/** The districts' tiling: curvilinear cells between boundary curves, each ring closed and counter-clockwise. */
export interface TownTiling {
  /** Number of columns (west→east) and rows (south→north). */
  cols: number;
  rows: number;
  ring(col: number, row: number): Position[];
  corners(col: number, row: number): CellCorners;
  /** The point at fractions (u eastwards, v northwards) of a cell, measured between its boundary curves. */
  point(col: number, row: number, u: number, v: number): Position;
  /** North–south boundary `i` (0 = western outline) south to north: exactly the rings' vertices. */
  vertical(i: number): Position[];
  /** East–west boundary `j` (0 = southern outline) west to east: exactly the rings' vertices. */
  horizontal(j: number): Position[];
  /** Continuation of a boundary beyond the town by `metres` ('start' = south/west end), excluding the end itself. */
  beyond(kind: 'vertical' | 'horizontal', index: number, end: 'start' | 'end', metres: number): Position[];
  /** The boundary curves themselves, for features that follow them (the coast, forest edges). */
  xAt(i: number, n: number): number;
  yAt(j: number, e: number): number;
}

/** Segments per cell side: enough for a meander to read as a curve at town zoom. */
export const SIDE_SEGMENTS = 14;

/**
 * Builds a tiling of the town from boundary curves: north–south lines x = X_i(n) at base
 * eastings `xs` and east–west lines y = Y_j(e) at base northings `ys`, each displaced by its
 * `shape` with drawn phases. Cell (col, row) is the set between X_col and X_col+1 and between
 * Y_row and Y_row+1. Corners are the curves' intersections; every side is sampled once from its
 * curve and shared by both neighbours, so neighbouring rings have identical vertices along their
 * common side and the tiling has no gaps or overlaps. Coordinates are whole metres. Valid as long
 * as curves of one family never meet and slopes stay well below 1 (the shapes given keep both).
 */
export function buildTownTiling(
  xs: readonly number[],
  ys: readonly number[],
  shapes: { vertical: readonly CurveShape[]; horizontal: readonly CurveShape[] },
  random: DemoRandom,
): TownTiling {
  const nx = xs.length - 1;
  const ny = ys.length - 1;
  const [e0, e1, n0, n1] = [xs[0], xs[nx], ys[0], ys[ny]];
  const curve = (base: number, from: number, to: number, shape: CurveShape): BoundaryCurve => {
    const phases = shape.waves.map(() => random.between(0, Math.PI * 2));
    return (along) => {
      const t = (along - from) / (to - from);
      let d = shape.tilt * (t - 0.5) + (shape.bow ?? 0) * (Math.sin(Math.PI * t) - 0.5);
      shape.waves.forEach(([a, cycles], k) => (d += a * Math.sin(2 * Math.PI * cycles * t + phases[k])));
      return base + d;
    };
  };
  const X = xs.map((x, i) => curve(x, n0, n1, shapes.vertical[i]));
  const Y = ys.map((y, j) => curve(y, e0, e1, shapes.horizontal[j]));

  // The point whose fractions between the neighbouring curves are (u, v); a fixed point that
  // converges quickly because every slope is small.
  const solve = (i: number, j: number, u: number, v: number): [number, number] => {
    let e = xs[i] + u * (xs[i + 1 < xs.length ? i + 1 : i] - xs[i]);
    let n = ys[j] + v * (ys[j + 1 < ys.length ? j + 1 : j] - ys[j]);
    for (let k = 0; k < 60; k++) {
      const eNext = u === 0 ? X[i](n) : X[i](n) + u * (X[i + 1](n) - X[i](n));
      const nNext = v === 0 ? Y[j](eNext) : Y[j](eNext) + v * (Y[j + 1](eNext) - Y[j](eNext));
      const done = Math.abs(eNext - e) < 1e-6 && Math.abs(nNext - n) < 1e-6;
      e = eNext;
      n = nNext;
      if (done) break;
    }
    return [e, n];
  };

  const vertex: Position[][] = [];
  for (let i = 0; i <= nx; i++) {
    vertex.push([]);
    for (let j = 0; j <= ny; j++) {
      const [e, n] = solve(i, j, 0, 0);
      vertex[i].push([Math.round(e), Math.round(n)]);
    }
  }
  const round = (e: number, n: number): Position => [Math.round(e), Math.round(n)];
  const sideV = (i: number, j: number): Position[] => {
    const [a, b] = [vertex[i][j], vertex[i][j + 1]];
    const side: Position[] = [a];
    for (let k = 1; k < SIDE_SEGMENTS; k++) {
      const n = a[1] + ((b[1] - a[1]) * k) / SIDE_SEGMENTS;
      side.push(round(X[i](n), n));
    }
    side.push(b);
    return side;
  };
  const sideH = (i: number, j: number): Position[] => {
    const [a, b] = [vertex[i][j], vertex[i + 1][j]];
    const side: Position[] = [a];
    for (let k = 1; k < SIDE_SEGMENTS; k++) {
      const e = a[0] + ((b[0] - a[0]) * k) / SIDE_SEGMENTS;
      side.push(round(e, Y[j](e)));
    }
    side.push(b);
    return side;
  };
  const verticalSides = xs.map((_, i) => ys.slice(0, -1).map((__, j) => sideV(i, j)));
  const horizontalSides = ys.map((_, j) => xs.slice(0, -1).map((__, i) => sideH(i, j)));
  const joined = (sides: Position[][]): Position[] => sides.flatMap((side, k) => (k === 0 ? side : side.slice(1))).map((p) => [p[0], p[1]] as Position);

  return {
    cols: nx,
    rows: ny,
    ring(col, row) {
      const bottom = horizontalSides[row][col];
      const right = verticalSides[col + 1][row];
      const top = [...horizontalSides[row + 1][col]].reverse();
      const left = [...verticalSides[col][row]].reverse();
      const ring: Position[] = [];
      for (const side of [bottom, right, top, left]) {
        for (let k = 0; k < side.length - 1; k++) ring.push([side[k][0], side[k][1]]);
      }
      ring.push([ring[0][0], ring[0][1]]);
      return ring;
    },
    corners(col, row) {
      return { sw: vertex[col][row], se: vertex[col + 1][row], ne: vertex[col + 1][row + 1], nw: vertex[col][row + 1] };
    },
    point(col, row, u, v) {
      const [e, n] = solve(col, row, u, v);
      return round(e, n);
    },
    vertical: (i) => joined(verticalSides[i]),
    horizontal: (j) => joined(horizontalSides[j]),
    beyond(kind, index, end, metres) {
      const steps = Math.max(1, Math.round(metres / 250));
      const out: Position[] = [];
      for (let k = 1; k <= steps; k++) {
        const d = (metres * k) / steps;
        if (kind === 'vertical') {
          const n = end === 'start' ? vertex[index][0][1] - d : vertex[index][ny][1] + d;
          out.push(round(X[index](n), n));
        } else {
          const e = end === 'start' ? vertex[0][index][0] - d : vertex[nx][index][0] + d;
          out.push(round(e, Y[index](e)));
        }
      }
      return end === 'start' ? out.reverse() : out;
    },
    xAt: (i, n) => X[i](n),
    yAt: (j, e) => Y[j](e),
  };
}

/**
 * The outline of rings that share vertices exactly along their common edges: segments that
 * occur in both directions are interior and cancel; the rest chain into one counter-clockwise
 * ring. Assumes the union is a single polygon without holes (true for the demo's blocks of cells).
 */
export function outlineOf(rings: readonly (readonly Position[])[]): Position[] {
  const key = (p: Position): string => `${p[0]},${p[1]}`;
  const segments = new Map<string, { from: Position; to: Position }>();
  for (const ring of rings) {
    for (let k = 0; k < ring.length - 1; k++) segments.set(`${key(ring[k])}>${key(ring[k + 1])}`, { from: ring[k], to: ring[k + 1] });
  }
  const next = new Map<string, Position>();
  for (const s of segments.values()) {
    if (segments.has(`${key(s.to)}>${key(s.from)}`)) continue;
    if (next.has(key(s.from))) throw new Error(`outline touches itself at ${key(s.from)}`);
    next.set(key(s.from), s.to);
  }
  // Start at the south-western-most vertex so the result does not depend on map order.
  let start: Position | null = null;
  for (const s of segments.values()) {
    if (!next.has(key(s.from))) continue;
    if (!start || s.from[1] < start[1] || (s.from[1] === start[1] && s.from[0] < start[0])) start = s.from;
  }
  if (!start) throw new Error('no outline');
  const ring: Position[] = [[start[0], start[1]]];
  let at = next.get(key(start));
  while (at && key(at) !== key(start)) {
    ring.push([at[0], at[1]]);
    at = next.get(key(at));
    if (ring.length > next.size) throw new Error('outline does not close');
  }
  if (ring.length !== next.size) throw new Error('outline has more than one ring');
  ring.push([start[0], start[1]]);
  return ring;
}
