import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../../server/features/demo/demo.seed.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

interface Style {
  version: number;
  sources: { landscape: { data: { features: { properties: { kind: string; name: string | null }; geometry: { type: string; coordinates: unknown } }[] } } };
  layers: { id: string; type: string }[];
}

const flatten = (c: unknown): number[][] => (Array.isArray(c) && typeof c[0] === 'number' ? [c as number[]] : (c as unknown[]).flatMap(flatten));

for (const backend of testBackends()) {
  describe(`offline basemap (${backend})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await buildTestApp(backend);
    }, 120_000);
    afterAll(async () => t?.close());

    it('is a valid style with only a background on an empty database', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/basemap/style.json' });
      expect(res.statusCode).toBe(200);
      const style = res.json<Style>();
      expect(style.version).toBe(8);
      expect(style.layers[0]).toMatchObject({ id: 'background', type: 'background' });
      expect(style.sources.landscape.data.features).toEqual([]);
      expect(validateStyleMin(style as never)).toEqual([]);
    });

    it('serves the demo town’s river, lakes, roads, railway and green areas in WGS84 around the town', async () => {
      await seedDemo(t.database.db, { endDate: new Date('2026-01-01T00:00:00Z'), incidentCount: 300 });
      const res = await t.app.inject({ method: 'GET', url: '/api/basemap/style.json' });
      expect(res.headers['cache-control']).toContain('max-age');
      const style = res.json<Style>();
      const features = style.sources.landscape.data.features;
      const kinds = new Set(features.map((f) => f.properties.kind));
      for (const k of ['water', 'river', 'forest', 'park', 'industrial', 'main_road', 'street', 'railway']) expect(kinds).toContain(k);
      expect(features.find((f) => f.properties.kind === 'river')!.properties.name).toBe('Demoån');
      // The demo town lies near E 674 000, N 6 580 000 in SWEREF 99 TM: about 17.9–18.2° E, 59.3–59.4° N, with roads running a few km beyond.
      for (const [lon, lat] of features.flatMap((f) => flatten(f.geometry.coordinates))) {
        expect(lon).toBeGreaterThan(17.6);
        expect(lon).toBeLessThan(18.5);
        expect(lat).toBeGreaterThan(59.15);
        expect(lat).toBeLessThan(59.55);
      }
      // Areas before lines, so roads are drawn over parks and water.
      const firstLine = features.findIndex((f) => f.geometry.type === 'LineString');
      expect(features.slice(firstLine).every((f) => f.geometry.type === 'LineString')).toBe(true);
      // MapLibre's own validator: a style error would leave the map without its first frame.
      expect(validateStyleMin(style as never)).toEqual([]);
      expect(style.layers.map((l) => l.id)).toEqual(expect.arrayContaining(['water', 'river', 'main-road', 'railway', 'street', 'forest', 'park']));
    });
  });
}
