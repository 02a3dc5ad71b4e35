import { sql } from 'kysely';
import type { Db } from '../../infra/db.ts';

export interface BasemapRow {
  kind: string;
  name: string | null;
  geometry: string;
}

/** Every basemap feature in WGS84, areas first so roads and rails are drawn over them. */
export async function listBasemapFeatures(db: Db): Promise<BasemapRow[]> {
  const result = await sql<BasemapRow>`
    SELECT kind, name, ST_AsGeoJSON(ST_Transform(geom, 4326), 6) AS geometry
      FROM basemap_feature
     ORDER BY CASE WHEN ST_Dimension(geom) = 2 THEN 0 ELSE 1 END, id
     LIMIT 20000`.execute(db);
  return result.rows;
}
