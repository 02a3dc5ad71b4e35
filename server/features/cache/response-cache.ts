import { createHash, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { Database } from '../../infra/db.ts';
import { viewerOf, type Viewer } from '../auth/viewer.ts';
import { resolveMunicipality } from '../municipalities/municipalities.service.ts';

/**
 * GET routes whose answer depends only on the route, its parameters, the viewer's disclosure tier,
 * the day (default periods end today) and the municipality's data (bumped through `data_version`,
 * migrations/0011). Point-level routes (incidents, point tiles, survey marks) are left out on purpose:
 * every request for them must reach the audit log.
 */
export const CACHED_ROUTES = new Set([
  '/api/districts',
  '/api/stats/districts',
  '/api/stats/hotspots',
  '/api/stats/hotspots/emerging',
  '/api/stats/time',
  '/api/stats/discrepancy',
  '/api/stats/near-repeat',
  '/api/surveys/:id/indicators',
  '/api/tiles/hotspots/:z/:x/:y.mvt',
]);

/**
 * Routes whose answers are cached only for some requests, and what else those answers depend on.
 * OGC items: survey marks are point-level (every read audited) and gpkg/fgb files are exports (every
 * download audited), so neither is cached; the answer's links name the host and scheme the client used.
 */
export const PARTLY_CACHED_ROUTES = new Map<string, { cacheable: (request: FastifyRequest) => boolean; vary: (request: FastifyRequest) => string }>([
  ['/ogc/collections/:collectionId/items', {
    cacheable: (request) => {
      const params = request.params as { collectionId?: string };
      const query = request.query as { f?: string };
      return params.collectionId !== 'survey-marks' && query.f !== 'gpkg' && query.f !== 'fgb';
    },
    vary: (request) => `${request.protocol}://${request.headers.host ?? ''}`,
  }],
]);

/**
 * Point-level tiles depend on the same things, but each request must run its handler (role gate and audit
 * row): they get the same ETag and `private, no-cache`, a 304 when the client already holds the answer,
 * and their bodies are never kept.
 */
export const REVALIDATED_ROUTES = new Set([
  '/api/tiles/incidents/:z/:x/:y.mvt',
  '/api/tiles/survey-marks/:z/:x/:y.mvt',
]);

const NOTIFY_CHANNEL = 'lagesbild_data_version';
/** Query parameters whose comma-separated items are a set: order and repeats do not change the answer. */
const SET_PARAMS = new Set(['category', 'source']);

interface CacheEntry {
  /** The answer as sent, encoded once (a string would be encoded again for every viewer). */
  body: Buffer;
  /** The same, gzipped once, for clients that accept it; absent for small answers. */
  gzip?: Buffer;
  contentType: string;
  bytes: number;
}

const gzip = promisify(zlib.gzip);
/** Answers smaller than this are sent as they are: compressing them saves less than it costs. */
const GZIP_FROM_BYTES = 1024;

function acceptsGzip(request: FastifyRequest): boolean {
  const header = request.headers['accept-encoding'];
  // "gzip" listed without q=0 (RFC 9110 §12.5.3); a client refusing it says so with q=0.
  return typeof header === 'string' && header.split(',').some((part) => {
    const [coding, ...params] = part.trim().split(';').map((x) => x.trim().toLowerCase());
    return (coding === 'gzip' || coding === '*') && !params.some((p) => /^q=0(\.0*)?$/.test(p));
  });
}

/** Sends a cached body, gzipped when the client accepts it. */
function sendEntry(request: FastifyRequest, reply: FastifyReply, entry: CacheEntry): Buffer {
  if (entry.gzip && acceptsGzip(request)) {
    reply.header('content-encoding', 'gzip');
    return entry.gzip;
  }
  return entry.body;
}

/** A map from key to entries bounded by their total size in bytes, evicting the least recently used. */
export class ByteLru<E extends { bytes: number } = CacheEntry> {
  private readonly entries = new Map<string, E>();
  private total = 0;

  constructor(readonly maxBytes: number) {}

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.total;
  }

  get(key: string): E | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Re-inserting moves the key to the end of the Map's order, which is the recency order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, entry: E): void {
    // An answer bigger than a quarter of the cache would evict most others for one viewer's sake.
    if (entry.bytes > this.maxBytes / 4) return;
    const old = this.entries.get(key);
    if (old) {
      this.total -= old.bytes;
      this.entries.delete(key);
    }
    this.entries.set(key, entry);
    this.total += entry.bytes;
    for (const [k, e] of this.entries) {
      if (this.total <= this.maxBytes) break;
      this.entries.delete(k);
      this.total -= e.bytes;
    }
  }

  delete(key: string): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.total -= old.bytes;
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }
}

/**
 * The data version of each municipality. On PGlite (one process owns the data directory, NOTIFY
 * delivered with the commit) the versions live in memory, so a cached answer needs no database
 * round trip even while a heavy query holds the single connection; on a server they are read per
 * request, because other processes (CLI imports, other app instances) write too.
 */
export class DataVersions {
  private memory: Map<string, number> | null = null;
  private loading: Promise<void> | null = null;

  constructor(private readonly database: Database) {}

  /** Starts listening for bumps where the backend delivers them synchronously. */
  async start(): Promise<void> {
    if (!this.database.listen) return;
    const memory = new Map<string, number>();
    await this.database.listen(NOTIFY_CHANNEL, (payload) => {
      const at = payload.lastIndexOf(':');
      const code = payload.slice(0, at);
      const version = Number(payload.slice(at + 1));
      // Max, not assignment: a bump may be delivered while the initial load is still reading older rows.
      if (Number.isFinite(version)) memory.set(code, Math.max(memory.get(code) ?? 0, version));
    });
    this.memory = memory;
  }

  /** The current data version of a municipality (0 before anything was written). */
  async get(municipality: string): Promise<number> {
    if (this.memory) {
      this.loading ??= this.loadAll(this.memory);
      await this.loading;
      return this.memory.get(municipality) ?? 0;
    }
    const row = await sql<{ version: number }>`SELECT version FROM data_version WHERE municipality_code = ${municipality}`.execute(this.database.db);
    return row.rows[0]?.version ?? 0;
  }

  private async loadAll(memory: Map<string, number>): Promise<void> {
    const rows = await sql<{ municipality_code: string; version: number }>`SELECT municipality_code, version FROM data_version`.execute(this.database.db);
    for (const r of rows.rows) memory.set(r.municipality_code, Math.max(memory.get(r.municipality_code) ?? 0, r.version));
  }
}

/** The disclosure tier of a viewer: what decides which numbers leave the server (SPEC §6). */
export function disclosureTier(viewer: Viewer): string {
  const scope = viewer.municipalityCodes ? [...viewer.municipalityCodes].sort().join(',') : '*';
  return `${viewer.role}|${scope}`;
}

/** Query parameters in a canonical order, set-valued lists sorted and deduplicated. */
export function normaliseQuery(query: Record<string, unknown>): string {
  return Object.keys(query)
    .sort()
    .map((k) => {
      const v = query[k];
      if (v === undefined) return null;
      let text = Array.isArray(v) ? v.map(String).join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v);
      if (SET_PARAMS.has(k)) text = [...new Set(text.split(',').map((s) => s.trim()).filter(Boolean))].sort().join(',');
      return `${encodeURIComponent(k)}=${encodeURIComponent(text)}`;
    })
    .filter((p) => p !== null)
    .join('&');
}

const stockholmDay = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Counters for the health of the cache (tests and the bench read them). */
export interface ResponseCacheStats {
  hits: number;
  misses: number;
  notModified: number;
  /** Point-level requests whose work was shared with an identical earlier one (their handlers still ran). */
  reused: number;
  entries: number;
  bytes: number;
}

/**
 * Runs `compute` for a point-level request (REVALIDATED_ROUTES) only when no identical request (same key: route,
 * parameters, disclosure tier, day, data version) was computed before or is being computed now. The handler
 * still runs for every request, so its role gate and audit row do too; only the work is shared.
 */
export type Reuse = <T extends { bytes: number }>(compute: () => Promise<T>) => Promise<T>;

declare module 'fastify' {
  interface FastifyInstance {
    responseCache: { stats(): ResponseCacheStats; clear(): void; reuse(request: FastifyRequest): Reuse };
  }
  interface FastifyRequest {
    responseCacheSlot: { key: string; etag: string; hit: boolean; store: boolean; done?: () => void } | null;
  }
}

export interface ResponseCacheOptions {
  /** Upper bound of the cached bodies' total size; default 64 MB. */
  maxBytes?: number;
}

/**
 * Response cache for the analysis routes with ETag / If-None-Match. The key is the route pattern,
 * its path and query parameters (normalised), the viewer's disclosure tier (role and municipality
 * scope), the Stockholm date and the municipality's data version, so a role never receives
 * another role's answer and any write to the municipality's data (import, rollback, boundary or
 * mapping change, edit) makes older answers unreachable. Register it before the routes.
 */
export async function responseCache(app: FastifyInstance, options: ResponseCacheOptions = {}) {
  const lru = new ByteLru(options.maxBytes ?? 64 * 1024 * 1024);
  const versions = new DataVersions(app.database);
  await versions.start();
  // ETags name this process's answers: a restarted (possibly upgraded) server does not vouch for old ones.
  const boot = randomBytes(8).toString('hex');
  const counters = { hits: 0, misses: 0, notModified: 0, reused: 0 };
  // Requests computing a key right now: identical requests wait for the first instead of repeating it
  // (thirty people opening the same meeting link at once compute it once).
  const inflight = new Map<string, Promise<void>>();
  // Results of point-level requests, reused by identical ones (each still audited by its handler).
  const reused = new ByteLru<{ bytes: number; value: Promise<{ bytes: number }> }>(options.maxBytes ?? 64 * 1024 * 1024);
  const reuse = (request: FastifyRequest): Reuse => async (compute) => {
    const key = request.responseCacheSlot?.key;
    if (!key) return compute();
    const held = reused.get(key);
    if (held) {
      counters.reused++;
      return held.value as Promise<never>;
    }
    const value = compute();
    // Held while running, so simultaneous identical requests share it; sized once known, dropped on failure.
    const entry = { bytes: key.length, value };
    reused.set(key, entry);
    try {
      const result = await value;
      if (reused.get(key) === entry) reused.set(key, { bytes: key.length + result.bytes, value });
      return result;
    } catch (error) {
      if (reused.get(key) === entry) reused.delete(key);
      throw error;
    }
  };
  app.decorate('responseCache', {
    stats: () => ({ ...counters, entries: lru.size, bytes: lru.bytes }),
    clear: () => {
      lru.clear();
      reused.clear();
    },
    reuse,
  });
  app.decorateRequest('responseCacheSlot', null);

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions.url;
    if (request.method !== 'GET' || !route) return;
    const partly = PARTLY_CACHED_ROUTES.get(route);
    if (partly && !partly.cacheable(request)) return;
    const store = CACHED_ROUTES.has(route) || partly !== undefined;
    if (!store && !REVALIDATED_ROUTES.has(route)) return;
    const viewer = viewerOf(request);
    const query = (request.query ?? {}) as Record<string, unknown>;
    // Without a municipality the default depends on which ones the viewer sees; the resolution also
    // rejects unknown or forbidden codes before anything is looked up.
    const municipality = await resolveMunicipality(app.database.db, typeof query.municipality === 'string' ? query.municipality : undefined, viewer);
    const version = await versions.get(municipality);
    const params = normaliseQuery((request.params ?? {}) as Record<string, unknown>);
    const key = [route, params, normaliseQuery({ ...query, municipality }), disclosureTier(viewer), stockholmDay.format(new Date()), version, partly?.vary(request) ?? ''].join('\n');
    const etag = `W/"${createHash('sha256').update(boot).update(key).digest('base64url').slice(0, 27)}"`;
    reply.header('etag', etag);
    reply.header('cache-control', 'private, no-cache');
    reply.header('vary', store ? 'Authorization, Cookie, Accept-Encoding' : 'Authorization, Cookie');
    if (!store) {
      request.responseCacheSlot = { key, etag, hit: false, store };
      return;
    }
    let entry = lru.get(key);
    const running = entry ? undefined : inflight.get(key);
    if (running) {
      await running;
      entry = lru.get(key);
    }
    request.responseCacheSlot = { key, etag, hit: entry !== undefined, store };
    if (!entry) {
      counters.misses++;
      if (!inflight.has(key)) {
        let done!: () => void;
        inflight.set(key, new Promise<void>((resolve) => (done = resolve)));
        request.responseCacheSlot.done = () => {
          inflight.delete(key);
          done();
        };
      }
      return;
    }
    if (matchesEtag(request.headers['if-none-match'], etag)) {
      counters.notModified++;
      return reply.code(304).send();
    }
    counters.hits++;
    reply.header('x-cache', 'hit').type(entry.contentType);
    return reply.send(sendEntry(request, reply, entry));
  });

  // Always runs (answers, errors, aborted clients), so waiters are never left behind.
  const finish = async (request: FastifyRequest) => {
    const slot = request.responseCacheSlot;
    if (slot?.done) {
      slot.done();
      slot.done = undefined;
    }
  };
  app.addHook('onResponse', finish);
  app.addHook('onRequestAbort', finish);

  app.addHook('onSend', async (request, reply, payload) => {
    const slot = request.responseCacheSlot;
    if (!slot || slot.hit) return payload;
    if (reply.statusCode !== 200) {
      // An error is not the answer the ETag names.
      if (reply.statusCode !== 304) reply.removeHeader('etag');
      return payload;
    }
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    if (!slot.store) {
      // The handler ran (and audited); the client already holds this very answer.
      if (matchesEtag(request.headers['if-none-match'], slot.etag)) {
        counters.notModified++;
        reply.code(304);
        return '';
      }
      return payload;
    }
    const contentType = String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8');
    const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
    // Compressed once off the event loop (zlib's thread pool), then sent as it is to every viewer who asks again.
    const packed = body.length >= GZIP_FROM_BYTES && !reply.hasHeader('content-encoding') ? await gzip(body, { level: 6 }) : undefined;
    const entry: CacheEntry = { body, gzip: packed, contentType, bytes: body.length + (packed?.length ?? 0) + slot.key.length };
    lru.set(slot.key, entry);
    reply.header('x-cache', 'miss');
    // Only a viewer who was given this very answer holds its ETag, so a match needs no body.
    if (matchesEtag(request.headers['if-none-match'], slot.etag)) {
      counters.notModified++;
      reply.code(304);
      return '';
    }
    return sendEntry(request, reply, entry);
  });
}
// Hooks apply to every route of the app, not only inside this plugin's scope (what fastify-plugin does).
(responseCache as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;

function matchesEtag(header: string | string[] | undefined, etag: string): boolean {
  if (!header) return false;
  const text = Array.isArray(header) ? header.join(',') : header;
  if (text.trim() === '*') return true;
  // Weak comparison (RFC 9110 §8.8.3.2): W/"x" and "x" match.
  const bare = etag.replace(/^W\//, '');
  return text.split(',').some((t) => t.trim().replace(/^W\//, '') === bare);
}
