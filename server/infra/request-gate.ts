import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';

/**
 * Routes whose work is seconds of database time on a million incidents: hotspot statistics (one
 * Gi* grid, or one per time slice), the discrepancy grid, near-repeat, bulk point exports and
 * imports. Matched on the route pattern and method.
 */
export const HEAVY_ROUTES = new Set([
  'GET /api/stats/hotspots',
  'GET /api/stats/hotspots/emerging',
  'GET /api/stats/discrepancy',
  'GET /api/stats/near-repeat',
  'GET /api/incidents',
  'POST /api/imports/districts',
  'POST /api/imports/incidents',
  'POST /api/imports/survey',
  'POST /api/imports/category-mapping',
  'POST /api/imports/:id/rollback',
]);

/** A counting semaphore that admits waiters strictly in arrival order. */
export class FairGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number, readonly maxWaiting: number) {}

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Waits for a slot; false (without waiting) when the queue is already full. */
  async acquire(): Promise<boolean> {
    if (this.running < this.limit && this.waiting.length === 0) {
      this.running++;
      return true;
    }
    if (this.waiting.length >= this.maxWaiting) return false;
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return true;
  }

  release(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next waiter, so a newcomer cannot overtake the queue.
    if (next) next();
    else this.running--;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    heavyGate: FairGate;
  }
  interface FastifyRequest {
    heavySlot: { released: boolean } | null;
  }
}

export interface RequestGateOptions {
  /** Heavy requests running at once; default 1 on PGlite (one connection), 4 on a server. */
  limit?: number;
  /** Heavy requests allowed to wait; beyond that a 503 with Retry-After. Default 64. */
  maxWaiting?: number;
}

/**
 * Bounds heavy requests (HEAVY_ROUTES) to a few at a time, first come first served. PGlite has a
 * single connection and runs one query at a time in arrival order, so five simultaneous hotspot
 * requests would put ten seconds of queries in front of every viewer's quick question; admitted one
 * at a time, a quick question waits for at most the one heavy query that is running. Cached answers
 * are sent before this gate (its hook runs after the response cache's), so they never wait.
 */
export async function requestGate(app: FastifyInstance, options: RequestGateOptions = {}) {
  const limit = options.limit ?? (app.database.kind === 'pglite' ? 1 : 4);
  const gate = new FairGate(limit, options.maxWaiting ?? 64);
  app.decorate('heavyGate', gate);
  app.decorateRequest('heavySlot', null);

  const release = (request: FastifyRequest) => {
    const slot = request.heavySlot;
    if (!slot || slot.released) return;
    slot.released = true;
    gate.release();
  };

  app.addHook('preHandler', async (request, reply) => {
    if (!HEAVY_ROUTES.has(`${request.method} ${request.routeOptions.url}`)) return;
    if (!(await gate.acquire())) {
      reply.header('retry-after', '5');
      throw new AppError(503, 'BUSY', 'The server is busy with heavy analyses; try again in a few seconds');
    }
    request.heavySlot = { released: false };
    // A client that went away while queued has nobody to answer: hand the slot on at once.
    if (request.raw.destroyed) release(request);
  });
  app.addHook('onResponse', async (request) => release(request));
  app.addHook('onRequestAbort', async (request) => release(request));
}
// Hooks apply to every route of the app, not only inside this plugin's scope (what fastify-plugin does).
(requestGate as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
