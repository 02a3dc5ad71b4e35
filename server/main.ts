import { buildApp } from './app.ts';
import { buildClientIfNeeded } from './client-build.ts';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './infra/db.ts';
import { migrateToLatest } from './infra/migrate.ts';
import { isDatabaseEmpty, seedDemo } from './features/demo/demo.seed.ts';
import { writeServerFile } from './features/backup/backup.routes.ts';
import { beginShutdown } from './infra/shutdown.ts';
import type { AppInstance } from './app.ts';
import { demoAccountLines, disableDemoAccounts, ensureDemoAccounts } from './features/auth/demo-accounts.ts';
import { joinDemoCouncils } from './features/meetings/meetings.demo.ts';

/** Demo accounts printed at start; filled in by the auth feature (demo mode only). */
export type DemoAccountLister = (config: Config) => Promise<string[]>;

/** Migrates, and seeds the demo municipality when demo mode is on and the database is empty (never twice). */
export async function prepareDatabase(database: Database, config: Config, log: (line: string) => void): Promise<void> {
  const applied = await migrateToLatest(database);
  if (applied.length) log(`Migrated the database: ${applied.join(', ')}`);
  if (config.demo && (await isDatabaseEmpty(database.db))) {
    log('Empty database: seeding the demo municipality (fictional data)…');
    const seeded = await seedDemo(database.db, { endDate: new Date() });
    log(`Seeded ${seeded.districts} districts, ${seeded.incidents} incidents, ${seeded.responses} survey responses, ${seeded.marks} marks.`);
  }
}

/**
 * The server process: configuration → database (migrated, demo seeded when empty) → client build →
 * app → listen, and a graceful close on SIGINT/SIGTERM.
 */
export async function startServer(config: Config, options: { onReady?: (lines: string[]) => void } = {}) {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const started = Date.now();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  let demoAccounts: Awaited<ReturnType<typeof ensureDemoAccounts>> = [];
  try {
    await prepareDatabase(database, config, log);
    if (config.demo) demoAccounts = await ensureDemoAccounts(database.db);
    if (config.demo) await joinDemoCouncils(database.db);
    else await disableDemoAccounts(database.db);
    await buildClientIfNeeded(config.clientDir, log);
  } catch (error) {
    await database.close();
    throw error;
  }
  let serverFile: ReturnType<typeof writeServerFile> | undefined;
  const app = await buildApp({ config, database, logger: { level: config.logLevel }, localSecret: () => serverFile?.secret });
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      await app.close();
      serverFile?.remove();
      await database.close();
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      // A second signal: the operator will not wait.
      process.stderr.write(`Lägesbild: ${signal} again, exiting at once.\n`);
      process.exit(1);
    }
    void gracefulShutdown(app, close, config.shutdownTimeoutMs, (line) => process.stderr.write(`${line}\n`)).then((code) => process.exit(code));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '127.0.0.1' || config.host === '::' ? 'localhost' : config.host;
  const lines = [`Lägesbild is running at http://${shownHost}:${port}  (database: ${database.kind}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`, ...demoAccountLines(demoAccounts)];
  if (database.kind === 'pglite') serverFile = writeServerFile(config.dataDir, `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${port}`);
  for (const line of lines) log(line);
  options.onReady?.(lines);
  return { app, database, close };
}

/**
 * SIGTERM: stop accepting connections, let in-flight requests finish while imports abort at their
 * next row (rolled back), and close the database so the next start needs no recovery. After
 * timeoutMs the remaining connections are cut and the database closed anyway. Resolves the exit code.
 */
export async function gracefulShutdown(app: AppInstance, close: () => Promise<void>, timeoutMs: number, log: (line: string) => void): Promise<number> {
  const started = Date.now();
  log(`Lägesbild: shutting down (waiting up to ${timeoutMs / 1000} s for requests in progress; signal again to exit at once)…`);
  beginShutdown();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const closing = close();
  const first = await Promise.race([closing.then(() => 'closed' as const), timedOut]);
  if (first === 'timeout') {
    log('Lägesbild: requests still running at the shutdown timeout; closing their connections.');
    app.server.closeAllConnections();
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 5000))]);
  }
  clearTimeout(timer);
  log(`Lägesbild: stopped in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return first === 'timeout' ? 1 : 0;
}
