import { sql } from 'kysely';
import type { Db } from '../../infra/db.ts';
import type { ParsedDistrict } from './district-features.ts';

/** Ranks a district alias's kind coarse (0) to fine (2), for SQL ordering. */
const rankOf = (alias: string) => sql`CASE ${sql.ref(`${alias}.kind`)} WHEN 'kommundel' THEN 0 WHEN 'stadsdel' THEN 1 ELSE 2 END`;

/** Names and external ids of a municipality's districts, for resolving parent references. */
export async function listDistrictKeys(db: Db, municipalityCode: string): Promise<{ id: number; name: string; kind: string; external_id: string | null }[]> {
  return db.selectFrom('district').select(['id', 'name', 'kind', 'external_id']).where('municipality_code', '=', municipalityCode).execute();
}

/** Stages parsed districts: geometry transformed to SWEREF 99 TM and, when invalid, repaired with ST_MakeValid. */
export async function stageDistricts(db: Db, districts: readonly ParsedDistrict[]): Promise<void> {
  await sql`CREATE TEMP TABLE import_district_stage (
    feature int NOT NULL, name text NOT NULL, external_id text, kind text NOT NULL, parent text,
    population int, population_by_gender jsonb, population_by_age jsonb,
    raw geometry, geom geometry(MultiPolygon, 3006), repaired boolean NOT NULL DEFAULT false
  ) ON COMMIT DROP`.execute(db);
  for (let i = 0; i < districts.length; i += 200) {
    const rows = districts.slice(i, i + 200).map((d) => ({
      feature: d.feature,
      name: d.name,
      external_id: d.external_id,
      kind: d.kind,
      parent: d.parent,
      population: d.population,
      population_by_gender: Object.keys(d.population_by_gender).length ? d.population_by_gender : null,
      population_by_age: Object.keys(d.population_by_age).length ? d.population_by_age : null,
      geometry: JSON.stringify(d.geometry),
      srid: d.srid,
    }));
    await sql`
      INSERT INTO import_district_stage (feature, name, external_id, kind, parent, population, population_by_gender, population_by_age, raw)
      SELECT r.feature, r.name, r.external_id, r.kind, r.parent, r.population, r.population_by_gender, r.population_by_age,
             ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(r.geometry), r.srid), 3006)
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(
               feature int, name text, external_id text, kind text, parent text, population int,
               population_by_gender jsonb, population_by_age jsonb, geometry text, srid int)`.execute(db);
  }
  await sql`
    UPDATE import_district_stage
       SET repaired = NOT ST_IsValid(raw),
           geom = CASE WHEN ST_IsValid(raw) THEN ST_Multi(raw)
                       ELSE ST_Multi(ST_CollectionExtract(ST_MakeValid(raw), 3)) END`.execute(db);
}

/** Staged features whose geometry could not be repaired into an area. */
export async function listUnrepairableDistricts(db: Db): Promise<{ feature: number; name: string }[]> {
  const rows = await sql<{ feature: number; name: string }>`
    SELECT feature, name FROM import_district_stage WHERE geom IS NULL OR ST_IsEmpty(geom) OR ST_Area(geom) = 0 ORDER BY feature`.execute(db);
  return rows.rows;
}

/** Drops staged features that were rejected. */
export async function dropStagedDistricts(db: Db, features: readonly number[]): Promise<void> {
  if (features.length === 0) return;
  await sql`DELETE FROM import_district_stage WHERE feature = ANY(${[...features]}::int[])`.execute(db);
}

/** Counts staged features as new, changed or unchanged against the stored districts (matched by kind and name). */
export async function classifyDistrictStage(db: Db, municipalityCode: string): Promise<{ accepted: number; updated: number; unchanged: number; repaired: number }> {
  const result = await sql<{ accepted: number; updated: number; unchanged: number; repaired: number }>`
    SELECT count(*) FILTER (WHERE d.id IS NULL)::int AS accepted,
           count(*) FILTER (WHERE d.id IS NOT NULL AND NOT ${sameDistrict})::int AS updated,
           count(*) FILTER (WHERE d.id IS NOT NULL AND ${sameDistrict})::int AS unchanged,
           count(*) FILTER (WHERE s.repaired)::int AS repaired
      FROM import_district_stage s
      LEFT JOIN district d ON d.municipality_code = ${municipalityCode} AND d.kind = s.kind AND d.name = s.name`.execute(db);
  return result.rows[0];
}

const sameDistrict = sql`(ST_AsBinary(d.geom) = ST_AsBinary(s.geom)
  AND d.population IS NOT DISTINCT FROM s.population
  AND d.population_by_gender IS NOT DISTINCT FROM s.population_by_gender
  AND d.population_by_age IS NOT DISTINCT FROM s.population_by_age
  AND d.external_id IS NOT DISTINCT FROM s.external_id)`;

/**
 * Writes staged districts: keeps the previous state of changed ones in `import_revision`, updates
 * them, inserts new ones, then links parents (named by name or external id, else the coarser district
 * covering a point on the surface). Collects the old and new shapes of everything that changed in
 * `import_changed_area` for reassigning incidents.
 */
export async function writeDistrictStage(db: Db, municipalityCode: string, batchId: number): Promise<void> {
  await sql`CREATE TEMP TABLE import_changed_area (geom geometry) ON COMMIT DROP`.execute(db);
  await sql`
    INSERT INTO import_changed_area (geom)
    SELECT d.geom FROM import_district_stage s
      JOIN district d ON d.municipality_code = ${municipalityCode} AND d.kind = s.kind AND d.name = s.name
     WHERE NOT ${sameDistrict} AND ST_AsBinary(d.geom) <> ST_AsBinary(s.geom)
    UNION ALL
    SELECT s.geom FROM import_district_stage s
     WHERE NOT EXISTS (SELECT 1 FROM district d WHERE d.municipality_code = ${municipalityCode} AND d.kind = s.kind AND d.name = s.name AND ST_AsBinary(d.geom) = ST_AsBinary(s.geom))`.execute(db);
  await sql`
    INSERT INTO import_revision (municipality_code, batch_id, table_name, row_id, previous)
    SELECT ${municipalityCode}, ${batchId}::bigint, 'district', d.id,
           jsonb_build_object('external_id', d.external_id, 'parent_id', d.parent_id, 'population', d.population,
             'population_by_gender', d.population_by_gender, 'population_by_age', d.population_by_age,
             'geom', encode(ST_AsEWKB(d.geom), 'hex'), 'batch_id', d.batch_id)
      FROM import_district_stage s
      JOIN district d ON d.municipality_code = ${municipalityCode} AND d.kind = s.kind AND d.name = s.name
     WHERE NOT ${sameDistrict}`.execute(db);
  await sql`
    UPDATE district d
       SET external_id = s.external_id, population = s.population, population_by_gender = s.population_by_gender,
           population_by_age = s.population_by_age, geom = s.geom, batch_id = ${batchId}::bigint
      FROM import_district_stage s
     WHERE d.municipality_code = ${municipalityCode} AND d.kind = s.kind AND d.name = s.name AND NOT ${sameDistrict}`.execute(db);
  await sql`
    INSERT INTO district (municipality_code, external_id, name, kind, population, population_by_gender, population_by_age, geom, batch_id)
    SELECT ${municipalityCode}, s.external_id, s.name, s.kind, s.population, s.population_by_gender, s.population_by_age, s.geom, ${batchId}::bigint
      FROM import_district_stage s
     WHERE NOT EXISTS (SELECT 1 FROM district d WHERE d.municipality_code = ${municipalityCode} AND d.kind = s.kind AND d.name = s.name)
     ORDER BY s.feature`.execute(db);
  // Named parents: by name (case-insensitive) or external id, preferring a coarser district.
  await sql`
    UPDATE district d SET parent_id = (
      SELECT p.id FROM district p
       WHERE p.municipality_code = ${municipalityCode} AND p.id <> d.id
         AND (lower(p.name) = lower(s.parent) OR p.external_id = s.parent)
       ORDER BY (${rankOf('p')} < ${rankOf('d')}) DESC, ${rankOf('p')} DESC, p.id
       LIMIT 1)
      FROM import_district_stage s
     WHERE d.municipality_code = ${municipalityCode} AND d.kind = s.kind AND d.name = s.name AND s.parent IS NOT NULL`.execute(db);
  // Unnamed parents: the finest coarser district containing a point on the surface.
  await sql`
    UPDATE district d SET parent_id = (
      SELECT p.id FROM district p
       WHERE p.municipality_code = ${municipalityCode} AND ${rankOf('p')} < ${rankOf('d')}
         AND ST_Covers(p.geom, ST_PointOnSurface(d.geom))
       ORDER BY ${rankOf('p')} DESC, p.id
       LIMIT 1)
      FROM import_district_stage s
     WHERE d.municipality_code = ${municipalityCode} AND d.kind = s.kind AND d.name = s.name AND s.parent IS NULL`.execute(db);
  // Finer districts stored earlier without a parent may now lie inside a new coarser one.
  await sql`
    UPDATE district d SET parent_id = (
      SELECT p.id FROM district p
       WHERE p.municipality_code = ${municipalityCode} AND ${rankOf('p')} < ${rankOf('d')}
         AND ST_Covers(p.geom, ST_PointOnSurface(d.geom))
       ORDER BY ${rankOf('p')} DESC, p.id
       LIMIT 1)
     WHERE d.municipality_code = ${municipalityCode} AND d.parent_id IS NULL AND d.kind <> 'kommundel'
       AND NOT EXISTS (SELECT 1 FROM import_district_stage s WHERE s.kind = d.kind AND s.name = d.name)`.execute(db);
}

/** Undoes a district batch; returns the blocking later batch, or null when done. */
export async function rollbackDistrictRows(db: Db, municipalityCode: string, batchId: number): Promise<number | null> {
  const blocking = await sql<{ batch_id: number | null }>`
    SELECT min(batch_id)::bigint AS batch_id FROM import_revision
     WHERE municipality_code = ${municipalityCode} AND table_name = 'district' AND batch_id > ${batchId}::bigint
       AND (previous->>'batch_id')::bigint = ${batchId}::bigint`.execute(db);
  if (blocking.rows[0]?.batch_id != null) return Number(blocking.rows[0].batch_id);
  await sql`
    UPDATE district d
       SET external_id = r.previous->>'external_id', parent_id = (r.previous->>'parent_id')::bigint,
           population = (r.previous->>'population')::int, population_by_gender = r.previous->'population_by_gender',
           population_by_age = r.previous->'population_by_age', geom = ST_GeomFromEWKB(decode(r.previous->>'geom', 'hex')),
           batch_id = (r.previous->>'batch_id')::bigint
      FROM import_revision r
     WHERE r.municipality_code = ${municipalityCode} AND r.table_name = 'district' AND r.batch_id = ${batchId}::bigint
       AND d.municipality_code = r.municipality_code AND d.id = r.row_id`.execute(db);
  await sql`DELETE FROM import_revision WHERE municipality_code = ${municipalityCode} AND table_name = 'district' AND batch_id = ${batchId}::bigint`.execute(db);
  await sql`DELETE FROM district WHERE municipality_code = ${municipalityCode} AND batch_id = ${batchId}::bigint`.execute(db);
  return null;
}
