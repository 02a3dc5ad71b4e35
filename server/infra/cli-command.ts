import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { DataDirLockedError } from './data-dir-lock.ts';
import { openDatabase, type Database } from './db.ts';
import { migrateToLatest } from './migrate.ts';

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failure: 1, invalidInput: 2, locked: 3, usage: 64 } as const;

/** A CLI usage mistake: printed with the command's help, exit 64. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** One `lagesbild <words…>` command. */
export interface CliCommand {
  /** e.g. `import incidents`. */
  name: string;
  summary: string;
  /** Usage line(s) and flag descriptions for --help. */
  help: string;
  options: Options;
  run(context: CliContext): Promise<number>;
}

export interface CliContext {
  config: Config;
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

/** Flags every command accepts: the same names as the environment variables (SPEC §3). */
export const CONFIG_OPTIONS: Options = {
  port: { type: 'string' },
  host: { type: 'string' },
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
  demo: { type: 'string' },
  'basemap-style-url': { type: 'string' },
  'trust-proxy': { type: 'string' },
  'log-level': { type: 'string' },
  'shutdown-timeout': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

/** Parses argv for a command and builds its context; throws UsageError on unknown flags. */
export function parseCommandArgs(command: CliCommand, argv: string[]): CliContext & { help: boolean } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...CONFIG_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const flags: Record<string, string | undefined> = {};
  for (const key of Object.keys(CONFIG_OPTIONS)) if (typeof v[key] === 'string') flags[key] = v[key] as string;
  return {
    config: loadConfig(process.env, flags),
    values: v,
    positionals: parsed.positionals,
    help: v.help === true,
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  };
}

/**
 * Opens the configured database, brings it to the current migration, runs fn and closes it.
 * A data directory held by a running server raises DataDirLockedError before anything is touched.
 */
export async function withDatabase<T>(config: Config, fn: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(database);
    return await fn(database);
  } finally {
    await database.close();
  }
}

/** Maps a thrown error to a message on stderr and an exit code. */
export function exitCodeFor(error: unknown, stderr: (line: string) => void): number {
  if (error instanceof DataDirLockedError) {
    stderr(`lagesbild: ${error.message}`);
    return EXIT.locked;
  }
  if (error instanceof UsageError) {
    stderr(`lagesbild: ${error.message}`);
    return EXIT.usage;
  }
  if (error instanceof ConfigError) {
    stderr(`lagesbild: ${error.message}`);
    return EXIT.invalidInput;
  }
  stderr(`lagesbild: ${(error as Error)?.message ?? String(error)}`);
  return EXIT.failure;
}
