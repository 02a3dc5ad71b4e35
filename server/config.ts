import path from 'node:path';

/** Runtime configuration; every field comes from the environment or the same-named CLI flag. */
export interface Config {
  port: number;
  host: string;
  /** Where the embedded PGlite database lives when no DATABASE_URL is set. */
  dataDir: string;
  databaseUrl: string | undefined;
  /** Seed the demo municipality on an empty database (DEMO=0 turns it off). */
  demo: boolean;
  basemapStyleUrl: string | undefined;
  /** The built client served at `/`. */
  clientDir: string;
  /** pino level, honoured as given (fatal, error, warn, info, debug, trace, silent). */
  logLevel: string;
  /** How long SIGTERM waits for in-flight requests and imports before closing anyway (SHUTDOWN_TIMEOUT, seconds). */
  shutdownTimeoutMs: number;
}

/** Thrown for configuration a person must fix; the CLI prints the message and exits 2. */
export class ConfigError extends Error {}

const projectRoot = path.resolve(import.meta.dirname, '..');

/** Reads configuration from env (flags, already parsed, take precedence), validating each value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, flags: Record<string, string | undefined> = {}): Config {
  const get = (name: string) => flags[name.toLowerCase().replace(/_/g, '-')] ?? env[name];
  const portText = get('PORT') ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new ConfigError(`PORT must be a number 0–65535, got "${portText}"`);
  const demoText = (get('DEMO') ?? '1').toLowerCase();
  if (!['0', '1', 'true', 'false', 'yes', 'no'].includes(demoText)) throw new ConfigError(`DEMO must be 0 or 1, got "${demoText}"`);
  const databaseUrl = get('DATABASE_URL') || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  const basemapStyleUrl = get('BASEMAP_STYLE_URL') || undefined;
  if (basemapStyleUrl && !/^(https?:\/\/|\/)/.test(basemapStyleUrl)) throw new ConfigError('BASEMAP_STYLE_URL must be an http(s) URL or an absolute path');
  const logLevel = (get('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "${logLevel}"`);
  }
  const shutdownText = get('SHUTDOWN_TIMEOUT') ?? '30';
  if (!/^\d+(\.\d+)?$/.test(shutdownText) || Number(shutdownText) > 3600) throw new ConfigError(`SHUTDOWN_TIMEOUT must be seconds 0–3600, got "${shutdownText}"`);
  return {
    port,
    host: get('HOST') ?? '127.0.0.1',
    dataDir: path.resolve(get('DATA_DIR') ?? path.join(projectRoot, 'data')),
    databaseUrl,
    demo: ['1', 'true', 'yes'].includes(demoText),
    basemapStyleUrl,
    clientDir: path.resolve(get('CLIENT_DIR') ?? path.join(projectRoot, 'dist', 'client')),
    logLevel,
    shutdownTimeoutMs: Number(shutdownText) * 1000,
  };
}

/** The repository root, for migrations and the client sources. */
export const PROJECT_ROOT = projectRoot;
