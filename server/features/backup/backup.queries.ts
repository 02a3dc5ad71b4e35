import { sql, type Transaction } from 'kysely';
import type { Db } from '../../infra/db.ts';
import type { DB } from '../../infra/schema.ts';
import type { ArchiveRow } from './backup-archive.ts';

type Trx = Transaction<DB> | Db;

/** An application table as the backup sees it: stored columns only (GENERATED ones are recomputed). */
export interface TableInfo {
  name: string;
  columns: { name: string; type: string }[];
  /** GENERATED … AS IDENTITY columns: restored with the archive's values (COPY takes them), sequences reset after. */
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

/** One value in COPY text format: backslash, tab, newline and carriage return escaped, NULL as \N. */
function copyValue(value: string | null): string {
  if (value === null) return '\\N';
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]) : value;
}
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * Archive rows as COPY text: each value is the column's PostgreSQL text output, which COPY parses
 * with the column's input function, exactly as the cast `text::type` would (identity columns take
 * the given values, as with OVERRIDING SYSTEM VALUE; GENERATED columns are recomputed).
 */
export function copyText(rows: ArchiveRow[]): string {
  let out = '';
  for (const row of rows) out += `${row.map(copyValue).join('\t')}\n`;
  return out;
}

/** The COPY target `"table" ("a", "b", …)` for archive columns. */
export function copyTarget(table: TableInfo, columns: string[]): string {
  return `${ident(table.name)} (${columns.map(ident).join(', ')})`;
}

/** What a bulk load takes off the tables and puts back: statements to drop and to recreate. */
export interface DeferredDefinitions {
  drop: string[];
  create: string[];
}

/**
 * Foreign keys and the indexes that back no constraint, on the given tables: a restore drops them
 * before loading and recreates them after, inside its transaction, as pg_restore orders its work
 * (one sorted index build and one join per foreign key instead of per-row upkeep and checks). DDL
 * is transactional on both backends, so a failed restore rolls back to the tables as they were;
 * the names and definitions are the catalog's own (pg_get_indexdef, pg_get_constraintdef).
 * Primary keys and unique constraints stay: foreign keys need them, and they reject duplicates.
 */
export async function deferrableDefinitions(db: Trx, tables: string[]): Promise<DeferredDefinitions> {
  if (!tables.length) return { drop: [], create: [] };
  const foreignKeys = await sql<{ table: string; name: string; def: string }>`
    SELECT c.relname AS table, k.conname AS name, pg_get_constraintdef(k.oid) AS def
      FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND k.contype = 'f' AND c.relname = ANY(${tables}::text[])
     ORDER BY c.relname, k.conname`.execute(db);
  const indexes = await sql<{ name: string; def: string }>`
    SELECT ic.relname AS name, pg_get_indexdef(i.indexrelid) AS def
      FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relname = ANY(${tables}::text[])
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
     ORDER BY c.relname, ic.relname`.execute(db);
  return {
    drop: [
      ...foreignKeys.rows.map((k) => `ALTER TABLE ${ident(k.table)} DROP CONSTRAINT ${ident(k.name)}`),
      ...indexes.rows.map((i) => `DROP INDEX ${ident(i.name)}`),
    ],
    // Indexes first: the foreign keys' validating joins can use them.
    create: [...indexes.rows.map((i) => i.def), ...foreignKeys.rows.map((k) => `ALTER TABLE ${ident(k.table)} ADD CONSTRAINT ${ident(k.name)} ${k.def}`)],
  };
}

export async function executeStatements(db: Trx, statements: string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/** Turns the tables' own triggers (rollups, data_version) off or on: transactional, needs ownership, not superuser. */
export async function setUserTriggers(db: Trx, tables: string[], enabled: boolean): Promise<void> {
  for (const t of tables) await sql.raw(`ALTER TABLE ${ident(t)} ${enabled ? 'ENABLE' : 'DISABLE'} TRIGGER USER`).execute(db);
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

/**
 * The incident rollups (migrations 0004 and 0011) and how each key is computed from a raw incident,
 * as their triggers compute it.
 */
const ROLLUPS: { table: string; columns: string[]; raw: string[] }[] = [
  {
    table: 'incident_month_rollup',
    columns: ['municipality_code', 'month', 'district_key', 'category_code', 'source', 'located'],
    raw: ['municipality_code', 'local_month', 'coalesce(district_id, 0)', 'category_code', 'source', 'geom IS NOT NULL'],
  },
  {
    table: 'incident_how_rollup',
    columns: ['municipality_code', 'month', 'category_code', 'source', 'how'],
    raw: ['municipality_code', 'local_month', 'category_code', 'source', 'local_how'],
  },
  {
    table: 'incident_day_rollup',
    columns: ['municipality_code', 'day', 'district_key', 'category_code', 'source', 'located'],
    raw: ['municipality_code', "(occurred_at AT TIME ZONE 'Europe/Stockholm')::date", 'coalesce(district_id, 0)', 'category_code', 'source', 'geom IS NOT NULL'],
  },
  {
    table: 'incident_day_how_rollup',
    columns: ['municipality_code', 'day', 'category_code', 'source', 'how'],
    raw: ['municipality_code', "(occurred_at AT TIME ZONE 'Europe/Stockholm')::date", 'category_code', 'source', 'local_how'],
  },
];

/**
 * Rollup rows that disagree with a recount of the raw incidents (zero-count rows left by deletes
 * are equal to no row), for each rollup table in `present` (an older schema has fewer). Empty when
 * every rollup is consistent.
 */
export async function rollupMismatches(db: Trx, present: (table: string) => boolean = () => true): Promise<{ rollup: string; rows: number }[]> {
  const result: { rollup: string; rows: number }[] = [];
  for (const rollup of ROLLUPS.filter((r) => present(r.table))) {
    const groups = rollup.raw.map((_, i) => i + 1).join(', ');
    const recount = `SELECT ${rollup.raw.join(', ')}, count(*)::int FROM incident GROUP BY ${groups}`;
    const stored = `SELECT ${rollup.columns.join(', ')}, n FROM ${rollup.table} WHERE n <> 0`;
    // One recount, compared both ways: rows only in the recount, and rows only in the rollup.
    const r = await sql.raw<{ n: number }>(`
      WITH recount AS MATERIALIZED (${recount}), stored AS MATERIALIZED (${stored})
      SELECT count(*)::int AS n FROM ((TABLE recount EXCEPT ALL TABLE stored) UNION ALL (TABLE stored EXCEPT ALL TABLE recount)) d`).execute(db);
    if (r.rows[0].n) result.push({ rollup: rollup.table, rows: r.rows[0].n });
  }
  return result;
}
