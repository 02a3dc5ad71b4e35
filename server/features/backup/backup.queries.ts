import { sql, type Transaction } from 'kysely';
import type { Db } from '../../infra/db.ts';
import type { DB } from '../../infra/schema.ts';
import type { ArchiveRow } from './backup-archive.ts';

type Trx = Transaction<DB> | Db;

/** An application table as the backup sees it: stored columns only (GENERATED ones are recomputed). */
export interface TableInfo {
  name: string;
  columns: { name: string; type: string }[];
  /** GENERATED … AS IDENTITY columns: inserted with OVERRIDING SYSTEM VALUE, sequences reset after. */
  identity: string[];
  primaryKey: string[];
  /** Tables this one references (foreign keys), for insert order. */
  references: string[];
}

/** Double-quotes an identifier read from the catalog. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The application's tables in the current schema, referenced tables first. Extension tables
 * (PostGIS's spatial_ref_sys) are not ours, and schema_migration is the archive header's business.
 */
export async function listApplicationTables(db: Trx): Promise<TableInfo[]> {
  const tables = await sql<{ name: string; oid: number }>`
    SELECT c.relname AS name, c.oid::int AS oid
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
       AND c.relname <> 'schema_migration'
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
     ORDER BY c.relname`.execute(db);
  const columns = await sql<{ table: string; name: string; type: string; identity: string; generated: string }>`
    SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
           a.attidentity::text AS identity, a.attgenerated::text AS generated
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY c.relname, a.attnum`.execute(db);
  const keys = await sql<{ table: string; kind: string; columns: string[]; target: string | null }>`
    SELECT c.relname AS table, k.contype::text AS kind, t.relname AS target,
           ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(n, o)
                   JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.o) AS columns
      FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_class t ON t.oid = k.confrelid
     WHERE n.nspname = current_schema() AND k.contype IN ('p', 'f')`.execute(db);
  const infos = new Map<string, TableInfo>();
  for (const t of tables.rows) infos.set(t.name, { name: t.name, columns: [], identity: [], primaryKey: [], references: [] });
  for (const c of columns.rows) {
    const info = infos.get(c.table);
    if (!info || c.generated === 's') continue;
    info.columns.push({ name: c.name, type: c.type });
    if (c.identity === 'a' || c.identity === 'd') info.identity.push(c.name);
  }
  for (const k of keys.rows) {
    const info = infos.get(k.table);
    if (!info) continue;
    if (k.kind === 'p') info.primaryKey = k.columns;
    else if (k.target && k.target !== k.table && infos.has(k.target)) info.references.push(k.target);
  }
  return dependencyOrder([...infos.values()]);
}

/** Referenced tables before the tables referencing them (alphabetical among equals, for stable archives). */
function dependencyOrder(tables: TableInfo[]): TableInfo[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const ordered: TableInfo[] = [];
  const visit = (t: TableInfo, path: Set<string>) => {
    if (done.has(t.name) || path.has(t.name)) return;
    path.add(t.name);
    for (const r of [...t.references].sort()) visit(byName.get(r)!, path);
    path.delete(t.name);
    done.add(t.name);
    ordered.push(t);
  };
  for (const t of tables) visit(t, new Set());
  return ordered;
}

/**
 * Streams a table's rows in primary-key order through a cursor, each row encoded by the database
 * as a JSON array of text values (geometry as hex EWKB, timestamps with their offset), so the
 * archive holds exactly what a cast back gives on either backend. Must run inside a transaction.
 */
export async function* streamTableRows(trx: Transaction<DB>, table: TableInfo, blockRows = 5000): AsyncGenerator<string[]> {
  const values = table.columns.map((c) => `${ident(c.name)}::text`).join(', ');
  const order = table.primaryKey.length ? ` ORDER BY ${table.primaryKey.map(ident).join(', ')}` : '';
  await sql.raw(`DECLARE lagesbild_backup NO SCROLL CURSOR FOR SELECT json_build_array(${values})::text AS r FROM ${ident(table.name)}${order}`).execute(trx);
  try {
    for (;;) {
      const rows = await sql.raw<{ r: string }>(`FETCH ${blockRows} FROM lagesbild_backup`).execute(trx);
      if (!rows.rows.length) break;
      yield rows.rows.map((row) => row.r);
      if (rows.rows.length < blockRows) break;
    }
  } finally {
    await sql.raw('CLOSE lagesbild_backup').execute(trx);
  }
}

/** Inserts archive rows, casting each text value back to its column's type. */
export async function insertRows(trx: Transaction<DB>, table: TableInfo, columns: string[], rows: ArchiveRow[]): Promise<void> {
  if (!rows.length) return;
  const types = new Map(table.columns.map((c) => [c.name, c.type]));
  const targets = columns.map(ident).join(', ');
  const casts = columns.map((c, i) => `(r->>${i})::${types.get(c)}`).join(', ');
  const overriding = columns.some((c) => table.identity.includes(c)) ? ' OVERRIDING SYSTEM VALUE' : '';
  await sql`${sql.raw(`INSERT INTO ${ident(table.name)} (${targets})${overriding} SELECT ${casts} FROM json_array_elements(`)}${JSON.stringify(rows)}${sql.raw('::json) r')}`.execute(trx);
}

/** Identity sequences continue after the highest restored id, so the next insert does not collide. */
export async function resetIdentities(trx: Transaction<DB>, table: TableInfo): Promise<void> {
  for (const column of table.identity) {
    await sql.raw(`SELECT setval(pg_get_serial_sequence(quote_ident(current_schema()) || '.' || quote_ident('${table.name.replace(/'/g, "''")}'), '${column.replace(/'/g, "''")}'),
                          coalesce(max(${ident(column)}), 1), max(${ident(column)}) IS NOT NULL) FROM ${ident(table.name)}`).execute(trx);
  }
}

export async function countRows(db: Trx, table: string): Promise<number> {
  const r = await sql.raw<{ n: number }>(`SELECT count(*)::int AS n FROM ${ident(table)}`).execute(db);
  return r.rows[0].n;
}

/** Tables with at least one row (cheap: one row looked at per table). */
export async function tablesWithRows(db: Trx, tables: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const t of tables) {
    const r = await sql.raw<{ one: number }>(`SELECT 1 AS one FROM ${ident(t)} LIMIT 1`).execute(db);
    if (r.rows.length) found.push(t);
  }
  return found;
}

export async function truncateTables(trx: Transaction<DB>, tables: string[]): Promise<void> {
  if (tables.length) await sql.raw(`TRUNCATE ${tables.map(ident).join(', ')} RESTART IDENTITY`).execute(trx);
}

export async function listMunicipalityCodes(db: Trx): Promise<string[]> {
  const rows = await sql<{ code: string }>`SELECT code FROM municipality ORDER BY code`.execute(db);
  return rows.rows.map((r) => r.code);
}

export async function isSuperuser(db: Trx): Promise<boolean> {
  const r = await sql<{ s: boolean }>`SELECT rolsuper AS s FROM pg_roles WHERE rolname = current_user`.execute(db);
  return r.rows[0]?.s === true;
}

/**
 * Rollup rows that disagree with a recount of the raw incidents (zero-count rows left by deletes
 * are equal to no row). Empty when the incident rollups (migrations/0004) are consistent.
 */
export async function rollupMismatches(db: Trx): Promise<{ rollup: string; rows: number }[]> {
  const result: { rollup: string; rows: number }[] = [];
  const month = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM (
      (SELECT municipality_code, local_month AS month, coalesce(district_id, 0) AS district_key, category_code, source, geom IS NOT NULL AS located, count(*)::int AS n
         FROM incident GROUP BY 1, 2, 3, 4, 5, 6
       EXCEPT SELECT municipality_code, month, district_key, category_code, source, located, n FROM incident_month_rollup WHERE n <> 0)
      UNION ALL
      (SELECT municipality_code, month, district_key, category_code, source, located, n FROM incident_month_rollup WHERE n <> 0
       EXCEPT SELECT municipality_code, local_month, coalesce(district_id, 0), category_code, source, geom IS NOT NULL, count(*)::int
         FROM incident GROUP BY 1, 2, 3, 4, 5, 6)) d`.execute(db);
  if (month.rows[0].n) result.push({ rollup: 'incident_month_rollup', rows: month.rows[0].n });
  const how = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM (
      (SELECT municipality_code, local_month AS month, category_code, source, local_how AS how, count(*)::int AS n FROM incident GROUP BY 1, 2, 3, 4, 5
       EXCEPT SELECT municipality_code, month, category_code, source, how, n FROM incident_how_rollup WHERE n <> 0)
      UNION ALL
      (SELECT municipality_code, month, category_code, source, how, n FROM incident_how_rollup WHERE n <> 0
       EXCEPT SELECT municipality_code, local_month, category_code, source, local_how, count(*)::int FROM incident GROUP BY 1, 2, 3, 4, 5)) d`.execute(db);
  if (how.rows[0].n) result.push({ rollup: 'incident_how_rollup', rows: how.rows[0].n });
  return result;
}
