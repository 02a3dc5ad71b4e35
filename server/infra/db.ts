import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.ts';
import { copyFromStdin } from './pg-copy.ts';
import type { DB } from './schema.ts';

export type DbKind = 'pglite' | 'postgres';

/** Kysely over either backend; query functions take this (or a transaction) as their first argument. */
export type Db = Kysely<DB>;

/** An open database: one query code path over PGlite or a PostgreSQL server. */
export interface Database {
  db: Db;
  kind: DbKind;
  /** Runs a multi-statement SQL script (migrations); parameters are not allowed here. */
  execScript(sql: string): Promise<void>;
  /**
   * Subscribes to NOTIFY on a channel, where delivery is synchronous with the notifying commit (PGlite:
   * the listener has run before the COMMIT's promise resolves). Absent on a server, where other
   * processes write too and notifications lag: there, read the state from the database instead.
   */
  listen?(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
  /** Connection use for /metrics: PostgreSQL pool counts, or PGlite's one connection and its queue. */
  stats?(): DbStats;
  /**
   * One connection held for a bulk load (a restore): its queries and its COPY FROM share a session,
   * so a transaction begun on `db` covers the COPYs too. `release()` when done.
   */
  bulkSession(): Promise<BulkSession>;
}

/** A session on one connection with COPY FROM; see Database.bulkSession. */
export interface BulkSession {
  db: Db;
  /**
   * Runs `COPY <table> (<columns>) FROM …` with data in COPY text format (tab-separated, `\N` for
   * NULL, backslash escapes): FROM STDIN on a server, PGlite's `/dev/blob` when embedded.
   */
  copyFrom(target: string, data: string): Promise<void>;
  release(): Promise<void>;
}

export interface DbStats {
  /** Connections open (PGlite: always 1). */
  total: number;
  /** Connections executing a query or holding a transaction. */
  active: number;
  /** Queries waiting for a connection. */
  waiting: number;
}

export interface OpenOptions {
  databaseUrl?: string;
  dataDir: string;
  /** A schema to put first on the search path (tests isolate themselves this way on a server). */
  schema?: string;
}

// Same JS types from both backends: bigint ids and counts as numbers (ids stay far below 2^53),
// numeric as number, and dates as 'YYYY-MM-DD' strings so no time zone shifts them.
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;

/** Opens the configured backend: PostgreSQL when a URL is given, else PGlite under dataDir. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.schema) : openPglite(options.dataDir);
}

async function openPglite(dataDir: string): Promise<Database> {
  const release = lockDataDir(dataDir);
  try {
    const client = await PGlite.create({
      dataDir,
      extensions: { postgis },
      parsers: { [INT8]: Number, [NUMERIC]: Number, [DATE]: (value: string) => value },
    });
    const dialect = new PGliteDialect(client);
    // The dialect serialises every query onto PGlite's single connection; its queue is the
    // backlog /metrics reports, read from the driver the dialect creates.
    let driver: { connection?: unknown; queue?: unknown[] } | undefined;
    const createDriver = dialect.createDriver.bind(dialect);
    dialect.createDriver = () => (driver = createDriver() as never);
    const db = new Kysely<DB>({ dialect });
    return {
      db,
      kind: 'pglite',
      stats: () => ({ total: 1, active: driver?.connection ? 1 : 0, waiting: driver?.queue?.length ?? 0 }),
      execScript: async (sql) => {
        await client.exec(sql);
      },
      listen: (channel, onMessage) => client.listen(channel, onMessage),
      // PGlite has one session: Kysely's queries (a BEGIN among them) and the COPY meet in it.
      bulkSession: async () => ({
        db,
        copyFrom: async (target, data) => {
          await client.query(`COPY ${target} FROM '/dev/blob'`, [], { blob: new Blob([data]) });
        },
        release: async () => undefined,
      }),
      close: async () => {
        await db.destroy();
        if (!client.closed) await client.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

async function openPostgres(url: string, schema: string | undefined): Promise<Database> {
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') => {
      if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
      if (oid === DATE) return (value: string) => value;
      return pg.types.getTypeParser(oid, format as 'text');
    },
  };
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    types,
    // No JIT: PostGIS declares its functions costly, which lifts plans of short queries over the JIT
    // thresholds, and compiling then took 100–280 ms of queries that run in 30 (measured on 1M incidents).
    // Parallel workers only for scans of a large part of the table (hotspots over a year): starting two
    // workers took 30–40 ms on the 2-core machine, and the default setup cost (1,000) had queries of the
    // rollups that run in 15 ms start them: district statistics took 172 ms instead of 42 (docs/performance.md).
    options: `-c jit=off -c parallel_setup_cost=10000${schema ? ` -c search_path=${schema},public` : ''}`,
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'postgres',
    stats: () => ({ total: pool.totalCount, active: pool.totalCount - pool.idleCount, waiting: pool.waitingCount }),
    execScript: async (sql) => {
      // No parameters: pg sends it with the simple query protocol, which allows several statements.
      // One checked-out client, rolled back on failure: a script with BEGIN that fails part-way leaves
      // its connection in an aborted transaction, which must not go back into the pool like that.
      const client = await pool.connect();
      try {
        await client.query(sql);
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    bulkSession: async () => {
      // A Kysely over this one checked-out client, so the transaction it begins is the COPY's too.
      const client = await pool.connect();
      const single = new Kysely<DB>({
        dialect: new PostgresDialect({ pool: { connect: async () => ({ query: client.query.bind(client), release: () => undefined }), end: async () => undefined } as never }),
      });
      return {
        db: single,
        copyFrom: async (target, data) => {
          await copyFromStdin(client, `COPY ${target} FROM STDIN`, data);
        },
        release: async () => {
          await single.destroy();
          // Not back into the pool: after a failed COPY the connection's state is not worth trusting.
          client.release(true);
        },
      };
    },
    close: async () => {
      await db.destroy();
    },
  };
}
