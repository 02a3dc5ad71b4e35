import { ensurePgliteTemplate, testBackends } from './test-db.ts';

/** Once per run: fail fast on a CI without its PostgreSQL server, and build the PGlite template. */
export default async function setup() {
  testBackends();
  await ensurePgliteTemplate();
}
