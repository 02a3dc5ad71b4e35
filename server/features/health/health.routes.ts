import { sql } from 'kysely';
import { Type } from 'typebox';
import type { AppInstance } from '../../app.ts';

/** GET /api/health: liveness plus which backend and PostGIS version answer. */
export async function healthRoutes(app: AppInstance) {
  app.get(
    '/api/health',
    {
      schema: {
        tags: ['health'],
        response: {
          200: Type.Object({ status: Type.String(), db: Type.String(), postgis: Type.String() }),
          503: Type.Object({ status: Type.String(), db: Type.String(), postgis: Type.String() }),
        },
      },
    },
    async (_request, reply) => {
      try {
        const row = await sql<{ v: string }>`SELECT postgis_lib_version() AS v`.execute(app.database.db);
        return { status: 'ok', db: app.database.kind, postgis: row.rows[0].v };
      } catch {
        return reply.status(503).send({ status: 'unavailable', db: app.database.kind, postgis: 'unknown' });
      }
    },
  );

  app.get(
    '/api/config',
    {
      schema: {
        tags: ['health'],
        summary: 'What the client needs to start: basemap style and demo flag',
        response: { 200: Type.Object({ basemap_style_url: Type.Union([Type.String(), Type.Null()]), demo: Type.Boolean() }) },
      },
    },
    async () => ({ basemap_style_url: app.config.basemapStyleUrl ?? null, demo: app.config.demo }),
  );
}
