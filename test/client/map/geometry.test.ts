import area from '@turf/area';
import { describe, expect, it } from 'vitest';
import { geometryBounds, pointRadiusArea, polygonArea } from '../../../client/map/geometry.ts';

describe('map geometry helpers', () => {
  it('bounds any GeoJSON: geometry, feature, collection, nested multipolygons', () => {
    expect(geometryBounds({ type: 'Point', coordinates: [17, 59] })).toEqual([17, 59, 17, 59]);
    const poly = { type: 'Polygon', coordinates: [[[17, 59], [18, 59], [18, 60], [17, 59]]] };
    expect(geometryBounds({ type: 'Feature', geometry: poly })).toEqual([17, 59, 18, 60]);
    expect(geometryBounds({ type: 'FeatureCollection', features: [
      { type: 'Feature', geometry: poly },
      { type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [[[[16, 58], [16.5, 58], [16.5, 58.5], [16, 58]]]] } },
    ] })).toEqual([16, 58, 18, 60]);
    expect(geometryBounds({ type: 'GeometryCollection', geometries: [poly] })).toEqual([17, 59, 18, 60]);
  });

  it('has no bounds for empty input', () => {
    expect(geometryBounds({ type: 'FeatureCollection', features: [] })).toBeNull();
    expect(geometryBounds({ type: 'Feature', geometry: null })).toBeNull();
  });

  it('turns a point and radius into a closed polygon of the right area', () => {
    const drawn = pointRadiusArea([17.6, 59.5], 100);
    expect(drawn).toMatchObject({ mode: 'point-radius', centre: [17.6, 59.5], radius_m: 100 });
    const ring = drawn.area.geometry.coordinates[0];
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    // π r² = 31 416 m²; a 64-gon is within 0.2 % of the circle.
    expect(area(drawn.area as never)).toBeGreaterThan(31_416 * 0.995);
    expect(area(drawn.area as never)).toBeLessThan(31_416 * 1.001);
  });

  it('wraps a drawn polygon as a feature', () => {
    const coords = [[[17, 59], [18, 59], [18, 60], [17, 59]]];
    expect(polygonArea(coords)).toEqual({ mode: 'polygon', area: { type: 'Feature', geometry: { type: 'Polygon', coordinates: coords }, properties: {} } });
  });
});
