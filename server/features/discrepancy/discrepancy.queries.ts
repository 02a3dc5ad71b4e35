import { sql } from 'kysely';
import type { Db } from '../../infra/db.ts';

/** Unsafe-place marks and area (km²) per district of a kind; marks of every survey unless one is named. */
export async function countMarksByDistrict(db: Db, municipality: string, kind: string, surveyId: number | null): Promise<{ id: number; marks: number; area_km2: number }[]> {
  const rows = await sql<{ id: number; marks: number; area_km2: number }>`
    SELECT d.id, count(k.id)::int AS marks, (ST_Area(d.geom) / 1e6)::float8 AS area_km2
      FROM district d
      LEFT JOIN survey_mark k ON k.municipality_code = d.municipality_code AND ST_Covers(d.geom, k.geom)
                              ${surveyId !== null ? sql`AND k.survey_id = ${surveyId}` : sql``}
     WHERE d.municipality_code = ${municipality} AND d.kind = ${kind}
     GROUP BY d.id, d.geom`.execute(db);
  return rows.rows;
}
