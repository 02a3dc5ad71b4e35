import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../infra/db.ts';
// The district-assignment rule lives with districts; imports must assign exactly the same way.
import { finestDistrictIdSql } from '../districts/districts.queries.ts';
import type { CategoryMappingEntry, IncidentSource, KnownCategory } from './category-resolver.ts';
import { importPointTo3006, type ImportSrid } from './coordinates.ts';

/** Kinds of import batch, as stored in `import_batch.kind`. */
export type ImportBatchKind = 'districts' | 'incidents' | 'survey' | 'category_mapping';

/** Distance beyond the municipality's boundary at which an incident is rejected, metres (SPEC §4.2). */
export const MUNICIPALITY_TOLERANCE_M = 1000;

/** Whether a municipality exists. */
export async function municipalityExists(db: Db, code: string): Promise<boolean> {
  const row = await db.selectFrom('municipality').select('code').where('code', '=', code).executeTakeFirst();
  return row !== undefined;
}

/**
 * Serialises imports and rollbacks of one municipality until the transaction ends. Two imports of the same
 * municipality on PostgreSQL would otherwise update the same rollup rows in different orders and one would
 * fail on a deadlock; the second now waits for the first. (PGlite has one connection: a no-op there.)
 */
export async function lockMunicipalityImports(db: Db, municipalityCode: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`lagesbild:imports:${municipalityCode}`}))`.execute(db);
}

/** Category codes and names, for resolving the `category` cells of a file. */
export async function listKnownCategories(db: Db): Promise<KnownCategory[]> {
  return db.selectFrom('category').select(['code', 'name_sv', 'name_en']).execute();
}

/** A municipality's source-code mapping; source `*` applies to every source. */
export async function listCategoryMappings(db: Db, municipalityCode: string): Promise<CategoryMappingEntry[]> {
  const rows = await db
    .selectFrom('category_mapping')
    .select(['source', 'source_code', 'category_code'])
    .where('municipality_code', '=', municipalityCode)
    .orderBy('source')
    .orderBy('source_code')
    .execute();
  return rows.map((r) => ({ source: r.source === '*' ? null : (r.source as IncidentSource), source_code: r.source_code, category: r.category_code }));
}

/** Inserts or replaces mapping entries; returns how many were new and how many changed. */
export async function upsertCategoryMappings(
  db: Db,
  municipalityCode: string,
  entries: readonly CategoryMappingEntry[],
): Promise<{ inserted: number; updated: number; unchanged: number }> {
  if (entries.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const rows = entries.map((e) => ({ source: e.source ?? '*', source_code: e.source_code, category_code: e.category }));
  const result = await sql<{ inserted: number; updated: number; unchanged: number }>`
    WITH incoming AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(source text, source_code text, category_code text)
    ), classified AS (
      SELECT i.*, m.category_code AS old_category
        FROM incoming i
        LEFT JOIN category_mapping m
          ON m.municipality_code = ${municipalityCode} AND m.source = i.source AND m.source_code = i.source_code
    ), written AS (
      INSERT INTO category_mapping (municipality_code, source, source_code, category_code)
      SELECT ${municipalityCode}, source, source_code, category_code FROM classified
       WHERE old_category IS NULL OR old_category <> category_code
      ON CONFLICT (municipality_code, source, source_code) DO UPDATE SET category_code = EXCLUDED.category_code
      RETURNING 1
    )
    SELECT count(*) FILTER (WHERE old_category IS NULL)::int AS inserted,
           count(*) FILTER (WHERE old_category IS NOT NULL AND old_category <> category_code)::int AS updated,
           count(*) FILTER (WHERE old_category = category_code)::int AS unchanged
      FROM classified, (SELECT count(*) FROM written) w`.execute(db);
  return result.rows[0];
}

/** Deletes one mapping entry; returns whether it existed. */
export async function deleteCategoryMapping(db: Db, municipalityCode: string, source: string, sourceCode: string): Promise<boolean> {
  const result = await db
    .deleteFrom('category_mapping')
    .where('municipality_code', '=', municipalityCode)
    .where('source', '=', source)
    .where('source_code', '=', sourceCode)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Creates a batch row and returns its id. */
export async function insertImportBatch(
  db: Db,
  p: { municipality: string; kind: ImportBatchKind; fileName: string | null; checksum: string | null; source: string | null; createdBy: string },
): Promise<number> {
  const row = await db
    .insertInto('import_batch')
    .values({ municipality_code: p.municipality, kind: p.kind, file_name: p.fileName, checksum: p.checksum, source: p.source, created_by: p.createdBy, summary: '{}' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Stores a batch's final counts and summary. */
export async function finishImportBatch(
  db: Db,
  municipality: string,
  batchId: number,
  p: { accepted: number; updated: number; unchanged: number; unlocated: number; rejected: number; summary: Record<string, unknown> },
): Promise<void> {
  await db
    .updateTable('import_batch')
    .set({ accepted: p.accepted, updated: p.updated, unchanged: p.unchanged, unlocated: p.unlocated, rejected: p.rejected, summary: JSON.stringify(p.summary) })
    .where('municipality_code', '=', municipality)
    .where('id', '=', batchId)
    .execute();
}

/** A batch as listed. */
export interface ImportBatchRow {
  id: number;
  municipality_code: string;
  kind: string;
  file_name: string | null;
  checksum: string | null;
  source: string | null;
  created_by: string;
  created_at: Date;
  status: 'committed' | 'rolled_back';
  rolled_back_at: Date | null;
  accepted: number;
  updated: number;
  unchanged: number;
  unlocated: number;
  rejected: number;
}

/** Batches, newest first, optionally of one municipality. */
export async function listImportBatches(db: Db, municipalityCode: string | null, limit = 200): Promise<ImportBatchRow[]> {
  let query = db
    .selectFrom('import_batch')
    .select(['id', 'municipality_code', 'kind', 'file_name', 'checksum', 'source', 'created_by', 'created_at', 'status', 'rolled_back_at', 'accepted', 'updated', 'unchanged', 'unlocated', 'rejected'])
    .orderBy('id', 'desc')
    .limit(limit);
  if (municipalityCode) query = query.where('municipality_code', '=', municipalityCode);
  return (await query.execute()) as ImportBatchRow[];
}

/** One batch by id (ids are unique across municipalities). */
export async function findImportBatch(db: Db, batchId: number): Promise<ImportBatchRow | undefined> {
  const rows = await db
    .selectFrom('import_batch')
    .select(['id', 'municipality_code', 'kind', 'file_name', 'checksum', 'source', 'created_by', 'created_at', 'status', 'rolled_back_at', 'accepted', 'updated', 'unchanged', 'unlocated', 'rejected'])
    .where('id', '=', batchId)
    .execute();
  return rows[0] as ImportBatchRow | undefined;
}

/**
 * The sources of the incidents a batch wrote: the rows that carry its id (created or last changed by it) and
 * the rows whose earlier version it kept (changed by it, whoever changed them since). Rolling the batch back
 * touches exactly these, so the right to roll it back is the right to these sources, whatever the batch's
 * own `source` field says (null for a file with a source column).
 */
export async function listBatchIncidentSources(db: Db, municipalityCode: string, batchId: number): Promise<string[]> {
  const result = await sql<{ source: string }>`
    SELECT DISTINCT i.source FROM incident i
     WHERE i.municipality_code = ${municipalityCode} AND i.batch_id = ${batchId}::bigint
    UNION
    SELECT DISTINCT i.source FROM incident_revision r
      JOIN incident i ON i.municipality_code = r.municipality_code AND i.id = r.incident_id
     WHERE r.municipality_code = ${municipalityCode} AND r.batch_id = ${batchId}::bigint`.execute(db);
  return result.rows.map((r) => r.source).sort();
}

/** Marks a batch rolled back. */
export async function markBatchRolledBack(db: Db, municipality: string, batchId: number): Promise<void> {
  await db
    .updateTable('import_batch')
    .set({ status: 'rolled_back', rolled_back_at: new Date() })
    .where('municipality_code', '=', municipality)
    .where('id', '=', batchId)
    .execute();
}

// ---------------------------------------------------------------------------------------------
// Incidents: rows are staged in a temporary table, checked and classified set-based, then written.

/** One incident row on its way into the stage table. `x`/`y` are in `srid`. */
export interface IncidentStageRow {
  row_number: number;
  source: string;
  source_ref: string;
  category_code: string;
  source_category: string | null;
  occurred_at: string;
  occurred_until: string | null;
  x: number | null;
  y: number | null;
  srid: ImportSrid | null;
  /** The column named in a location error: `n`, `lat` or `geometry`. */
  coord_field: string | null;
  place: string | null;
  description: string | null;
  content_hash: string;
}

/** A point in the stage table's CRS, guarding ST_Transform from degrees it cannot project (far from Sweden). */
function stagePointSql(x: RawBuilder<unknown>, y: RawBuilder<unknown>, srid: RawBuilder<unknown>): RawBuilder<unknown> {
  return importPointTo3006(x, y, srid);
}

/** Session temp_buffers for staging: a 200,000-row stage table (~50 MB) then stays in memory instead of spilling to disk. */
const STAGE_TEMP_BUFFERS = '128MB';

/**
 * Raises temp_buffers for this session when it can: PostgreSQL refuses a change after the session has
 * used temporary tables, so the attempt runs in a savepoint and a refusal just keeps the default.
 */
async function enlargeTempBuffers(db: Db): Promise<void> {
  const current = await sql<{ value: string }>`SELECT current_setting('temp_buffers') AS value`.execute(db);
  if (current.rows[0]?.value === STAGE_TEMP_BUFFERS) return;
  await sql`SAVEPOINT import_temp_buffers`.execute(db);
  try {
    await sql.raw(`SET temp_buffers = '${STAGE_TEMP_BUFFERS}'`).execute(db);
    await sql`RELEASE SAVEPOINT import_temp_buffers`.execute(db);
  } catch {
    await sql`ROLLBACK TO SAVEPOINT import_temp_buffers`.execute(db);
  }
}

/** Creates the per-transaction stage table (dropped at commit or rollback). */
export async function createIncidentStage(db: Db): Promise<void> {
  await enlargeTempBuffers(db);
  // JIT compiles each big statement afresh (~0.7 s apiece on PostgreSQL 15) and gains nothing here.
  await sql`SET LOCAL jit = off`.execute(db);
  await sql`CREATE TEMP TABLE import_incident_stage (
    row_number int NOT NULL,
    source text NOT NULL,
    source_ref text NOT NULL,
    category_code text NOT NULL,
    source_category text,
    occurred_at timestamptz NOT NULL,
    occurred_until timestamptz,
    x float8,
    y float8,
    srid int,
    coord_field text,
    geom geometry(Point, 3006),
    place text,
    description text,
    content_hash text NOT NULL,
    reject text
  ) ON COMMIT DROP`.execute(db);
}

/** Adds rows to the stage table in one statement, transforming WGS84 to SWEREF 99 TM in SQL. */
export async function insertIncidentStageRows(db: Db, rows: readonly IncidentStageRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO import_incident_stage (row_number, source, source_ref, category_code, source_category, occurred_at,
                                       occurred_until, x, y, srid, coord_field, geom, place, description, content_hash, reject)
    SELECT r.row_number, r.source, r.source_ref, r.category_code, r.source_category, r.occurred_at, r.occurred_until,
           r.x, r.y, r.srid, r.coord_field, ${stagePointSql(sql`r.x`, sql`r.y`, sql`r.srid`)}, r.place, r.description, r.content_hash,
           CASE WHEN r.x IS NOT NULL AND ${stagePointSql(sql`r.x`, sql`r.y`, sql`r.srid`)} IS NULL THEN 'outside' END
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(
             row_number int, source text, source_ref text, category_code text, source_category text,
             occurred_at timestamptz, occurred_until timestamptz, x float8, y float8, srid int, coord_field text,
             place text, description text, content_hash text)`.execute(db);
}

/**
 * Rejects staged points more than {@link MUNICIPALITY_TOLERANCE_M} outside the municipality (the union
 * of its districts), as `swapped` when exchanging the two axes would put the point inside, else
 * `outside`. Without districts the boundary is unknown and nothing is rejected. Returns whether a
 * boundary was known.
 */
export async function rejectIncidentsOutsideMunicipality(db: Db, municipalityCode: string): Promise<boolean> {
  // Temporary tables are never auto-analysed; without statistics the planner guesses badly for 200,000 rows.
  await sql`ANALYZE import_incident_stage`.execute(db);
  await sql`
    CREATE TEMP TABLE import_boundary ON COMMIT DROP AS
    SELECT ST_Buffer(ST_Union(geom), ${MUNICIPALITY_TOLERANCE_M}) AS geom
      FROM district WHERE municipality_code = ${municipalityCode}`.execute(db);
  const known = await sql<{ known: boolean }>`SELECT geom IS NOT NULL AS known FROM import_boundary`.execute(db);
  if (!known.rows[0]?.known) return false;
  const swapped = stagePointSql(sql`s.y`, sql`s.x`, sql`s.srid`);
  await sql`
    UPDATE import_incident_stage s
       SET reject = CASE WHEN ${swapped} IS NOT NULL AND ST_Intersects(b.geom, ${swapped}) THEN 'swapped' ELSE 'outside' END
      FROM import_boundary b
     WHERE s.x IS NOT NULL
       AND (s.geom IS NULL OR NOT ST_Intersects(b.geom, s.geom))`.execute(db);
  return true;
}

/** Content hashes of stored incidents with these (source, id) keys, as a map from `source\u0000id`. */
export async function listIncidentHashes(db: Db, municipalityCode: string, keys: readonly { source: string; source_ref: string }[]): Promise<Map<string, string>> {
  const bySource = new Map<string, string[]>();
  for (const k of keys) bySource.set(k.source, [...(bySource.get(k.source) ?? []), k.source_ref]);
  const hashes = new Map<string, string>();
  for (const [source, refs] of bySource) {
    const rows = await sql<{ source_ref: string; content_hash: string }>`
      SELECT source_ref, content_hash FROM incident
       WHERE municipality_code = ${municipalityCode} AND source = ${source} AND source_ref = ANY(${refs}::text[])`.execute(db);
    for (const r of rows.rows) hashes.set(`${source}\u0000${r.source_ref}`, r.content_hash);
  }
  return hashes;
}

/** Staged rows rejected by the database checks, in file order. */
export async function listStageRejects(db: Db): Promise<{ row_number: number; reject: string; coord_field: string | null; x: number; y: number; srid: number }[]> {
  const rows = await sql<{ row_number: number; reject: string; coord_field: string | null; x: number; y: number; srid: number }>`
    SELECT row_number, reject, coord_field, x, y, srid FROM import_incident_stage WHERE reject IS NOT NULL ORDER BY row_number`.execute(db);
  return rows.rows;
}

const MATCH = (municipalityCode: string) =>
  sql`i.municipality_code = ${municipalityCode} AND i.source = s.source AND i.source_ref = s.source_ref`;

/** How the accepted staged rows compare with what is stored: new (and of them unlocated), changed, unchanged. */
export async function classifyIncidentStage(db: Db, municipalityCode: string): Promise<{ accepted: number; unlocated: number; updated: number; unchanged: number }> {
  const result = await sql<{ accepted: number; unlocated: number; updated: number; unchanged: number }>`
    SELECT count(*) FILTER (WHERE i.id IS NULL)::int AS accepted,
           count(*) FILTER (WHERE i.id IS NULL AND s.geom IS NULL)::int AS unlocated,
           count(*) FILTER (WHERE i.id IS NOT NULL AND i.content_hash <> s.content_hash)::int AS updated,
           count(*) FILTER (WHERE i.id IS NOT NULL AND i.content_hash = s.content_hash)::int AS unchanged
      FROM import_incident_stage s
      LEFT JOIN incident i ON ${MATCH(municipalityCode)}
     WHERE s.reject IS NULL`.execute(db);
  return result.rows[0];
}

/** The stored state of an incident as kept in a revision; geometry as hex EWKB. */
const PREVIOUS_INCIDENT = sql`jsonb_build_object(
  'category_code', i.category_code, 'source_category', i.source_category, 'occurred_at', i.occurred_at,
  'occurred_until', i.occurred_until, 'geom', CASE WHEN i.geom IS NULL THEN NULL ELSE encode(ST_AsEWKB(i.geom), 'hex') END,
  'district_id', i.district_id, 'place', i.place, 'description', i.description, 'content_hash', i.content_hash,
  'batch_id', i.batch_id, 'updated_at', i.updated_at)`;

/**
 * Writes the accepted staged rows: keeps the previous version of every changed incident in
 * `incident_revision`, updates the changed ones and inserts the new ones, each with its finest
 * district assigned in the same statement.
 */
export async function writeIncidentStage(db: Db, municipalityCode: string, batchId: number): Promise<void> {
  await sql`
    INSERT INTO incident_revision (municipality_code, incident_id, batch_id, previous)
    SELECT ${municipalityCode}, i.id, ${batchId}::bigint, ${PREVIOUS_INCIDENT}
      FROM import_incident_stage s JOIN incident i ON ${MATCH(municipalityCode)}
     WHERE s.reject IS NULL AND i.content_hash <> s.content_hash`.execute(db);
  await sql`
    UPDATE incident i
       SET category_code = s.category_code, source_category = s.source_category, occurred_at = s.occurred_at,
           occurred_until = s.occurred_until, geom = s.geom,
           district_id = ${finestDistrictIdSql(municipalityCode, sql`s.geom`)},
           place = s.place, description = s.description, content_hash = s.content_hash,
           batch_id = ${batchId}::bigint, updated_at = now()
      FROM import_incident_stage s
     WHERE ${MATCH(municipalityCode)} AND s.reject IS NULL AND i.content_hash <> s.content_hash`.execute(db);
  await sql`
    INSERT INTO incident (municipality_code, source, source_ref, category_code, source_category, occurred_at,
                          occurred_until, geom, district_id, place, description, content_hash, batch_id)
    SELECT ${municipalityCode}, s.source, s.source_ref, s.category_code, s.source_category, s.occurred_at,
           s.occurred_until, s.geom, ${finestDistrictIdSql(municipalityCode, sql`s.geom`)}, s.place, s.description,
           s.content_hash, ${batchId}::bigint
      FROM import_incident_stage s
     WHERE s.reject IS NULL
       AND NOT EXISTS (SELECT 1 FROM incident i WHERE ${MATCH(municipalityCode)})`.execute(db);
  // No ORDER BY: the stage table is scanned in file order anyway, and sorting 200,000 wide rows
  // spills to disk with the default work_mem.
}

/**
 * Undoes an incident batch: restores every incident it changed from its revision and deletes the
 * ones it created. Refuses (returns the blocking batch) when a later batch has changed one of them.
 */
export async function rollbackIncidentBatch(db: Db, municipalityCode: string, batchId: number): Promise<{ blockedBy: number | null; restored: number; deleted: number }> {
  // Every later change to a row this batch wrote left a revision whose previous state names this batch.
  const blocking = await sql<{ batch_id: number | null }>`
    SELECT min(r.batch_id)::bigint AS batch_id FROM incident_revision r
     WHERE r.municipality_code = ${municipalityCode} AND r.batch_id > ${batchId}::bigint
       AND (r.previous->>'batch_id')::bigint = ${batchId}::bigint`.execute(db);
  const blockedBy = blocking.rows[0]?.batch_id ?? null;
  if (blockedBy !== null) return { blockedBy: Number(blockedBy), restored: 0, deleted: 0 };
  const restored = await sql`
    UPDATE incident i
       SET category_code = r.previous->>'category_code', source_category = r.previous->>'source_category',
           occurred_at = (r.previous->>'occurred_at')::timestamptz, occurred_until = (r.previous->>'occurred_until')::timestamptz,
           geom = CASE WHEN r.previous->>'geom' IS NULL THEN NULL ELSE ST_GeomFromEWKB(decode(r.previous->>'geom', 'hex')) END,
           district_id = NULL, place = r.previous->>'place', description = r.previous->>'description',
           content_hash = r.previous->>'content_hash', batch_id = (r.previous->>'batch_id')::bigint,
           updated_at = (r.previous->>'updated_at')::timestamptz
      FROM incident_revision r
     WHERE r.municipality_code = ${municipalityCode} AND r.batch_id = ${batchId}::bigint
       AND i.municipality_code = r.municipality_code AND i.id = r.incident_id`.execute(db);
  // Districts may have changed since the revision was taken: assign afresh.
  await sql`
    UPDATE incident i SET district_id = ${finestDistrictIdSql(municipalityCode, sql`i.geom`)}
      FROM incident_revision r
     WHERE r.municipality_code = ${municipalityCode} AND r.batch_id = ${batchId}::bigint
       AND i.municipality_code = r.municipality_code AND i.id = r.incident_id AND i.geom IS NOT NULL`.execute(db);
  await sql`DELETE FROM incident_revision WHERE municipality_code = ${municipalityCode} AND batch_id = ${batchId}::bigint`.execute(db);
  const deleted = await sql`DELETE FROM incident WHERE municipality_code = ${municipalityCode} AND batch_id = ${batchId}::bigint`.execute(db);
  return { blockedBy: null, restored: Number(restored.numAffectedRows ?? 0), deleted: Number(deleted.numAffectedRows ?? 0) };
}

/**
 * Recomputes the finest district of the located incidents, survey responses and marks of a
 * municipality whose point lies in `area` (a SWEREF 99 TM geometry SQL expression; every point when
 * null). Only rows whose district actually changes are written.
 */
export async function reassignDistricts(db: Db, municipalityCode: string, area: RawBuilder<unknown> | null): Promise<{ incidents: number; responses: number; marks: number }> {
  const within = (geom: RawBuilder<unknown>) => (area ? sql`AND ${geom} && ${area} AND ST_Intersects(${geom}, ${area})` : sql``);
  const run = async (table: 'incident' | 'survey_response' | 'survey_mark') => {
    const result = await sql`
      UPDATE ${sql.table(table)} t SET district_id = c.new_id
        FROM (SELECT x.id, ${finestDistrictIdSql(municipalityCode, sql`x.geom`)} AS new_id
                FROM ${sql.table(table)} x
               WHERE x.municipality_code = ${municipalityCode} AND x.geom IS NOT NULL ${within(sql`x.geom`)}) c
       WHERE t.municipality_code = ${municipalityCode} AND t.id = c.id AND t.district_id IS DISTINCT FROM c.new_id`.execute(db);
    return Number(result.numAffectedRows ?? 0);
  };
  return { incidents: await run('incident'), responses: await run('survey_response'), marks: await run('survey_mark') };
}
