import { randomBytes } from 'node:crypto';
import { openDatabase, type Database, type DbKind } from '../../server/infra/db.ts';
import { migrateToLatest } from '../../server/infra/migrate.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

/** A database in its own schema; PostGIS comes from `public` on both backends. */
export interface SchemaDatabase extends Database {
  schema: string;
  /** Makes this schema the one queries see (PGlite: one session for all schemas; PostgreSQL: no-op). */
  use(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * Many small databases at the cost of one. A PGlite test database takes ~3 s to copy and open on
 * an idle machine and a minute on a loaded one, so on PGlite every database here is a schema in one
 * copied template, selected with search_path on its single session (call `use()` before switching
 * back to another). On PostgreSQL each is a schema with its own pool.
 */
export class SchemaDatabases {
  private pglite: TestDatabase | undefined;
  private admin: Database | undefined;
  constructor(readonly kind: DbKind) {}

  /** An unmigrated, empty database. */
  async empty(): Promise<SchemaDatabase> {
    const schema = `s_${randomBytes(5).toString('hex')}`;
    if (this.kind === 'pglite') {
      this.pglite ??= await createTestDatabase('pglite');
      const host = this.pglite;
      const use = () => host.execScript(`SET search_path TO ${schema}, public`);
      await host.execScript(`CREATE SCHEMA ${schema}`);
      await use();
      return {
        ...host,
        schema,
        use,
        close: async () => undefined,
        destroy: async () => {
          await host.execScript(`SET search_path TO public; DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        },
      };
    }
    const url = process.env.TEST_DATABASE_URL!;
    this.admin ??= await openDatabase({ databaseUrl: url, dataDir: '' });
    const admin = this.admin;
    await admin.execScript(`CREATE SCHEMA ${schema}`);
    const database = await openDatabase({ databaseUrl: url, dataDir: '', schema });
    return {
      ...database,
      schema,
      use: async () => undefined,
      destroy: async () => {
        await database.close().catch(() => undefined);
        await admin.execScript(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      },
    };
  }

  /** A database migrated to the current schema, like createTestDatabase's. */
  async migrated(): Promise<SchemaDatabase> {
    const database = await this.empty();
    await migrateToLatest(database);
    return database;
  }

  async close(): Promise<void> {
    await this.pglite?.destroy();
    await this.admin?.close();
  }
}
