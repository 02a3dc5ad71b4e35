import { buildApp, type AppInstance } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import type { DbKind } from '../../server/infra/db.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

export interface TestApp {
  app: AppInstance;
  database: TestDatabase;
  close(): Promise<void>;
}

/** The real app over a fresh migrated database of the given backend, driven with app.inject(). */
export async function buildTestApp(kind: DbKind = 'pglite', configOverrides: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase(kind);
  const config = loadConfig({ DEMO: '0', CLIENT_DIR: '/nonexistent', ...configOverrides });
  const app = await buildApp({ config, database });
  return {
    app,
    database,
    close: async () => {
      await app.close();
      await database.destroy();
    },
  };
}
