import type { AppInstance } from '../../app.ts';
import { basemapStyle } from './basemap-style.ts';
import { listBasemapFeatures } from './basemap.queries.ts';

/**
 * GET /api/basemap/style.json: the offline basemap the client draws beneath the data when no
 * BASEMAP_STYLE_URL is configured. Landscape only (roads, water, green), so it is public.
 */
export async function basemapRoutes(app: AppInstance) {
  app.get(
    '/api/basemap/style.json',
    { schema: { tags: ['health'], summary: 'Offline MapLibre basemap style (roads, water, railway, green areas)' } },
    async (_request, reply) => {
      const style = basemapStyle(await listBasemapFeatures(app.database.db));
      return reply.header('cache-control', 'public, max-age=300').send(style);
    },
  );
}
