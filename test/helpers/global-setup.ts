import path from 'node:path';
import { ensureClientBuild } from './client-build.ts';
import { ensurePgliteTemplate, TEST_TMP, testBackends } from './test-db.ts';

/** Once per run: fail fast on a CI without its PostgreSQL server, build the PGlite template and the client for browser tests. */
export default async function setup() {
  testBackends();
  await Promise.all([ensurePgliteTemplate(), ensureClientBuild(path.join(TEST_TMP, 'client'))]);
}
