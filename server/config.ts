import { isIP } from 'node:net';
import path from 'node:path';

/**
 * Which reverse proxies' X-Forwarded-For / -Proto / -Host to believe, as Fastify's `trustProxy` takes it:
 * false (none: the socket address is the client), true (any: only when nothing else can reach the port),
 * a number of proxy hops, or the proxies' addresses and CIDR ranges.
 */
export type TrustProxy = boolean | number | string[];

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
  /** TRUST_PROXY: false by default, so a client cannot choose its own address with X-Forwarded-For. */
  trustProxy: TrustProxy;
  /** How long SIGTERM waits for in-flight requests and imports before closing anyway (SHUTDOWN_TIMEOUT, seconds). */
  shutdownTimeoutMs: number;
}

/** Thrown for configuration a person must fix; the CLI prints the message and exits 2. */
export class ConfigError extends Error {}

const projectRoot = path.resolve(import.meta.dirname, '..');

function isCidrOrIp(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * Parses TRUST_PROXY: `false`/`true` (also 0/no, yes), a number of hops (1–10), or a comma list of proxy
 * IP addresses and CIDR ranges (e.g. `10.0.0.5, 192.168.0.0/16, ::1`).
 */
export function parseTrustProxy(text: string | undefined): TrustProxy {
  const value = (text ?? '').trim().toLowerCase();
  if (value === '' || value === 'false' || value === 'no' || value === '0') return false;
  if (value === 'true' || value === 'yes') return true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10) throw new ConfigError(`TRUST_PROXY: ${hops} proxy hops is not plausible (1–10)`);
    return hops;
  }
  const entries = value.split(',').map((e) => e.trim()).filter(Boolean);
  const bad = entries.filter((e) => !isCidrOrIp(e));
  if (!entries.length || bad.length) {
    throw new ConfigError(`TRUST_PROXY must be true, false, a number of proxy hops, or a comma list of IP addresses/CIDR ranges; not understood: "${bad.join(', ') || text}"`);
  }
  return entries;
}

/**
 * TRUST_PROXY as Fastify takes it. Fastify 5 ignores a bare hop count (it trusts nothing for a number), so a
 * count becomes the rule "the nearest N addresses are proxies": right only when the port is reachable through
 * those proxies alone, which is what an operator who configures a hop count is stating.
 */
export function fastifyTrustProxy(trustProxy: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trustProxy !== 'number') return trustProxy;
  const hops = trustProxy;
  return (_address, hop) => hop < hops;
}

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
    trustProxy: parseTrustProxy(get('TRUST_PROXY')),
    shutdownTimeoutMs: Number(shutdownText) * 1000,
  };
}

/** The repository root, for migrations and the client sources. */
export const PROJECT_ROOT = projectRoot;
