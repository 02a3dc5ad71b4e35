import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../infra/errors.ts';
import { RateLimiter } from '../../infra/rate-limiter.ts';

/** Statistics answers per client and minute on the expensive statistics routes. */
export const STATS_REQUESTS_PER_MINUTE = 120;

// One limiter per app (keyed by its database decoration, the same object in every plugin context), shared by
// every statistics route, so spreading an attack over routes does not multiply the budget.
const limiters = new WeakMap<object, RateLimiter>();

/**
 * Sets the statistics limit of one app (benchmarks measuring answer times lift it; the server keeps the default).
 */
export function setStatsRateLimit(app: { database: object }, perMinute: number): void {
  limiters.set(app.database, new RateLimiter(perMinute, 60_000));
}

/**
 * A preHandler limiting statistics requests to {@link STATS_REQUESTS_PER_MINUTE} per minute: per address for the
 * public, per account or token for signed-in viewers. Far above what a meeting or a map session asks, far below
 * what a search over thousands of areas, periods or category sets needs; over it the answer is a 429.
 */
export function statsRateLimit(app: { database: object }) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    let limiter = limiters.get(app.database);
    if (!limiter) {
      limiter = new RateLimiter(STATS_REQUESTS_PER_MINUTE, 60_000);
      limiters.set(app.database, limiter);
    }
    const { userId, tokenId } = request.viewer;
    const key = userId !== null ? `user:${userId}` : tokenId !== null ? `token:${tokenId}` : `ip:${request.ip}`;
    const wait = limiter.retryAfterS(key);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      throw new AppError(429, 'TOO_MANY_REQUESTS', `För många statistikfrågor på kort tid; försök igen om ${wait} sekunder.`);
    }
    limiter.record(key);
  };
}
