import type { CliCommand } from '../../infra/cli-command.ts';
import { EXIT, withDatabase } from '../../infra/cli-command.ts';
import { startServer } from '../../main.ts';
import { appliedMigrations, migrateToLatest, pendingMigrations } from '../../infra/migrate.ts';
import { openDatabase } from '../../infra/db.ts';
import { isDatabaseEmpty, removeDemo, seedDemo } from './demo.seed.ts';

/** `lagesbild serve`. */
export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'start the web server (migrates, seeds the demo on an empty database)',
  help: 'lagesbild serve [--port N] [--host H] [--data-dir DIR] [--database-url URL] [--demo 0|1] [--basemap-style-url URL]',
  options: {},
  async run({ config }) {
    await startServer(config);
    return new Promise<number>(() => undefined);
  },
};

/** `lagesbild migrate [--dry-run]`. */
export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'bring the database up to the current migration (--dry-run lists what would change)',
  help: [
    'lagesbild migrate [--dry-run] [--data-dir DIR | --database-url URL]',
    '  --dry-run  list the pending migrations with what each changes, and apply nothing',
  ].join('\n'),
  options: { 'dry-run': { type: 'boolean' } },
  async run({ config, values, stdout }) {
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      if (values['dry-run']) {
        const applied = await appliedMigrations(database);
        const pending = await pendingMigrations(database);
        stdout(`Schema version: ${applied.at(-1) ?? '(empty database)'}`);
        stdout(pending.length ? `${pending.length} pending migration(s), none applied (dry run):` : 'Up to date: nothing to apply.');
        for (const m of pending) stdout(`  ${m.name}: ${m.summary}`);
        return EXIT.ok;
      }
      const applied = await migrateToLatest(database);
      stdout(JSON.stringify({ applied }));
    } finally {
      await database.close();
    }
    return EXIT.ok;
  },
};

/** `lagesbild demo [--reset]`. */
export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'seed the fictional demo municipality (--reset replaces an existing one)',
  help: 'lagesbild demo [--reset]\n  Seeds the demo municipality on an empty database; --reset removes the demo municipality and seeds it anew.',
  options: { reset: { type: 'boolean' } },
  async run({ config, values, stdout, stderr }) {
    return withDatabase(config, async ({ db }) => {
      if (values.reset) await removeDemo(db);
      else if (!(await isDatabaseEmpty(db))) {
        stderr('lagesbild: the database already has data; use `lagesbild demo --reset` to replace the demo municipality');
        return EXIT.invalidInput;
      }
      stdout(JSON.stringify(await seedDemo(db, { endDate: new Date() })));
      return EXIT.ok;
    });
  },
};
