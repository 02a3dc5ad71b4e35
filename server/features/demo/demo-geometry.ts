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

/** A grid cell's four jittered corners, counter-clockwise from south-west. */
export interface CellCorners {
  sw: Position;
  se: Position;
  ne: Position;
  nw: Position;
}

/** A district tiling: one closed counter-clockwise ring and the corners for each grid cell. */
export interface JitteredGrid {
  ring(col: number, row: number): Position[];
  corners(col: number, row: number): CellCorners;
}

const EDGE_SUBDIVISIONS = 6;

/**
 * Builds a tiling of the rectangle spanned by grid lines `xs` × `ys` (metres) whose cells are
 * wiggly quadrilaterals: vertices are jittered, and every edge is a polyline whose interior
 * points are displaced perpendicularly by a smooth zero-ended curve. Each edge is computed
 * once and shared by both neighbours, so neighbouring rings have identical vertices along
 * their common edge and the tiling has no gaps or overlaps. Coordinates are whole metres.
 */
export function buildJitteredGrid(xs: readonly number[], ys: readonly number[], random: DemoRandom): JitteredGrid {
  const nx = xs.length - 1;
  const ny = ys.length - 1;
  const vertices: Position[][] = [];
  for (let i = 0; i <= nx; i++) {
    vertices.push([]);
    for (let j = 0; j <= ny; j++) {
      const onX = i === 0 || i === nx;
      const onY = j === 0 || j === ny;
      // Interior vertices move most; the outline moves less so the town keeps its extent.
      const dx = random.between(-1, 1) * (onX ? 180 : 450);
      const dy = random.between(-1, 1) * (onY ? 180 : 450);
      vertices[i].push([Math.round(xs[i] + dx), Math.round(ys[j] + dy)]);
    }
  }

  const edges = new Map<string, Position[]>();
  const wiggle = (a: Position, b: Position, amplitude: number): Position[] => {
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    const length = Math.hypot(dx, dy);
    const nxv = -dy / length;
    const nyv = dx / length;
    const r1 = random.between(-1, 1), r2 = random.between(-1, 1), r3 = random.between(-1, 1);
    const points: Position[] = [a];
    for (let k = 1; k < EDGE_SUBDIVISIONS; k++) {
      const t = k / EDGE_SUBDIVISIONS;
      const shape = r1 * Math.sin(Math.PI * t) + 0.5 * r2 * Math.sin(2 * Math.PI * t) + 0.3 * r3 * Math.sin(3 * Math.PI * t);
      const d = amplitude * length * shape;
      points.push([Math.round(a[0] + dx * t + nxv * d), Math.round(a[1] + dy * t + nyv * d)]);
    }
    points.push(b);
    return points;
  };
  for (let j = 0; j <= ny; j++) {
    for (let i = 0; i < nx; i++) {
      edges.set(`h:${i}:${j}`, wiggle(vertices[i][j], vertices[i + 1][j], j === 0 || j === ny ? 0.07 : 0.08));
    }
  }
  for (let i = 0; i <= nx; i++) {
    for (let j = 0; j < ny; j++) {
      edges.set(`v:${i}:${j}`, wiggle(vertices[i][j], vertices[i][j + 1], i === 0 || i === nx ? 0.07 : 0.08));
    }
  }
  const edge = (key: string): Position[] => {
    const points = edges.get(key);
    if (!points) throw new Error(`no grid edge ${key}`);
    return points;
  };

  return {
    ring(col, row) {
      const bottom = edge(`h:${col}:${row}`);
      const right = edge(`v:${col + 1}:${row}`);
      const top = [...edge(`h:${col}:${row + 1}`)].reverse();
      const left = [...edge(`v:${col}:${row}`)].reverse();
      const ring: Position[] = [];
      for (const side of [bottom, right, top, left]) {
        for (let k = 0; k < side.length - 1; k++) ring.push([side[k][0], side[k][1]]);
      }
      ring.push([ring[0][0], ring[0][1]]);
      return ring;
    },
    corners(col, row) {
      return { sw: vertices[col][row], se: vertices[col + 1][row], ne: vertices[col + 1][row + 1], nw: vertices[col][row + 1] };
    },
  };
}

/** The point at fractions (u eastwards, v northwards) of a cell, by bilinear interpolation of its corners. */
export function cellPoint(c: CellCorners, u: number, v: number): Position {
  const e = (1 - u) * (1 - v) * c.sw[0] + u * (1 - v) * c.se[0] + u * v * c.ne[0] + (1 - u) * v * c.nw[0];
  const n = (1 - u) * (1 - v) * c.sw[1] + u * (1 - v) * c.se[1] + u * v * c.ne[1] + (1 - u) * v * c.nw[1];
  return [Math.round(e), Math.round(n)];
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
