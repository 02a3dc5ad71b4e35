import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppInstance } from '../app.ts';
import { httpDuration, httpRequests } from './metrics.ts';

/**
 * One structured log line and the request metrics per answered request. Only the route PATTERN is
 * logged (`/api/incidents/:id`), never the raw URL: query strings carry places, free-text searches
 * and filters. Bodies, descriptions, emails and IPs are never logged either.
 */
export function installRequestLog(app: AppInstance): void {
  // Fastify's own per-request lines carry the raw URL; this hook replaces them.
  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const durationMs = reply.elapsedTime;
    const status = reply.statusCode;
    httpRequests.inc({ method: request.method, route, status: String(status) });
    httpDuration.observe({ method: request.method, route }, durationMs / 1000);
    // reqId comes from request.log's own binding: naming it here too wrote it twice per line.
    const entry = {
      method: request.method,
      route,
      status,
      duration_ms: Math.round(durationMs * 10) / 10,
      role: (request as { viewer?: { role?: string } }).viewer?.role ?? 'public',
    };
    if (status >= 500) request.log.error(entry, 'request failed');
    else request.log.info(entry, 'request');
  });
}
