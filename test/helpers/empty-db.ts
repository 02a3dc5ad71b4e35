import { randomBytes } from 'node:crypto';
import { openDatabase, type Database, type DbKind } from '../../server/infra/db.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

/** An unmigrated database in its own schema; PostGIS comes from `public` on both backends. */
export interface EmptyDatabase extends Database {
  schema: string;
  destroy(): Promise<void>;
}

/**
 * Empty schemas for upgrade and restore tests. PGlite cold starts take ~11 s, so on PGlite every
 * schema lives in one copied template database, selected with search_path on its single session.
 */
export class EmptyDatabases {
  private pglite: TestDatabase | undefined;
  private admin: Database | undefined;
  constructor(readonly kind: DbKind) {}

  async create(): Promise<EmptyDatabase> {
    const schema = `empty_${randomBytes(5).toString('hex')}`;
    if (this.kind === 'pglite') {
      this.pglite ??= await createTestDatabase('pglite');
      const host = this.pglite;
      await host.execScript(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}, public`);
      return {
        ...host,
        schema,
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
      destroy: async () => {
        await database.close().catch(() => undefined);
        await admin.execScript(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      },
    };
  }

  async close(): Promise<void> {
    await this.pglite?.destroy();
    await this.admin?.close();
  }
}
