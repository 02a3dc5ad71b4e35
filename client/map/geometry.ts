import circle from '@turf/circle';

/** A GeoJSON position, geometry, feature or collection (only what fitting and drawing need). */
export type GeoJsonLike =
  | { type: 'FeatureCollection'; features: GeoJsonLike[] }
  | { type: 'Feature'; geometry: GeoJsonLike | null }
  | { type: 'GeometryCollection'; geometries: GeoJsonLike[] }
  | { type: string; coordinates: unknown };

/** The bounding box [w, s, e, n] of any GeoJSON, or null when it holds no position. */
export function geometryBounds(geojson: GeoJsonLike): [number, number, number, number] | null {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  const visitCoords = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number') {
      const [x, y] = c as number[];
      if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
    } else if (Array.isArray(c)) c.forEach(visitCoords);
  };
  const visit = (g: GeoJsonLike | null): void => {
    if (!g) return;
    if (g.type === 'FeatureCollection') (g as { features: GeoJsonLike[] }).features.forEach(visit);
    else if (g.type === 'Feature') visit((g as { geometry: GeoJsonLike | null }).geometry);
    else if (g.type === 'GeometryCollection') (g as { geometries: GeoJsonLike[] }).geometries.forEach(visit);
    else visitCoords((g as { coordinates: unknown }).coordinates);
  };
  visit(geojson);
  return Number.isFinite(x0) ? [x0, y0, x1, y1] : null;
}

export type DrawMode = 'polygon' | 'point-radius';

/** What a finished drawing emits: the area as a GeoJSON polygon, and for point+radius the centre and radius. */
export interface DrawnArea {
  mode: DrawMode;
  area: { type: 'Feature'; geometry: { type: 'Polygon'; coordinates: number[][][] }; properties: Record<string, unknown> };
  centre?: [number, number];
  radius_m?: number;
}

/** A point and a radius as a drawn area: a 64-sided polygon around the point (what site checks send). */
export function pointRadiusArea(centre: [number, number], radiusM: number): DrawnArea {
  const polygon = circle(centre, radiusM / 1000, { steps: 64, units: 'kilometers' });
  return {
    mode: 'point-radius', centre, radius_m: radiusM,
    area: { type: 'Feature', geometry: polygon.geometry as DrawnArea['area']['geometry'], properties: { radius_m: radiusM } },
  };
}

/** A drawn polygon as a drawn area. */
export function polygonArea(coordinates: number[][][]): DrawnArea {
  return { mode: 'polygon', area: { type: 'Feature', geometry: { type: 'Polygon', coordinates }, properties: {} } };
}
