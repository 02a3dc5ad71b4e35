import type { FastifyRequest } from 'fastify';
import type { AppInstance } from '../../app.ts';
import { RateLimiter } from '../../infra/rate-limiter.ts';
import { listMunicipalities } from '../municipalities/municipalities.queries.ts';
import { recordAudit } from './audit.service.ts';

/**
 * Routes whose refusals (401/403) are audited: statistics, tiles and the other data routes. A refused request
 * is the trace of someone probing what a role may not see (SPEC §6), so it is kept with who, what and where.
 */
export const AUDITED_REFUSAL_ROUTES = [/^\/api\/stats\//, /^\/api\/tiles\//, /^\/api\/incidents(\/|$)/, /^\/api\/survey-marks(\/|$)/, /^\/api\/exports\//, /^\/ogc(\/|$)/];

/** Routes whose handlers write their own audit row for every outcome, refusals included. */
const SELF_AUDITED_ROUTES = new Set(['/api/incidents', '/api/survey-marks']);

/** Refusal records per client and minute; beyond it a flood of refusals is counted in the next record, not stored row by row. */
export const REFUSAL_AUDITS_PER_MINUTE = 60;

declare module 'fastify' {
  interface FastifyRequest {
    /** The problem code of the error this request ended with (set by the onError hook). */
    refusalCode?: string;
    /** Whether the route handler started (refusals before it, e.g. a bad token, are not seen by the handler). */
    handlerReached?: boolean;
  }
}

const MAX_FILTER_TEXT = 500;

/** The query (or a small JSON body) of a refused request, bounded so a hostile request cannot bloat the log. */
function askedFor(request: FastifyRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const source = { ...(request.query && typeof request.query === 'object' ? request.query : {}), ...(request.params && typeof request.params === 'object' ? request.params : {}) } as Record<string, unknown>;
  for (const [key, value] of Object.entries(source).slice(0, 30)) {
    const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
    out[key.slice(0, 60)] = text.length > MAX_FILTER_TEXT ? `${text.slice(0, MAX_FILTER_TEXT)}…` : value;
  }
  return out;
}

/** The municipality a refused request was about: the one it named, else the viewer's only one, else the only one there is. */
async function resolvedMunicipality(request: FastifyRequest): Promise<string | null> {
  const named = (request.query as { municipality?: unknown } | undefined)?.municipality
    ?? (request.body && typeof request.body === 'object' ? (request.body as { municipality?: unknown }).municipality : undefined);
  if (typeof named === 'string' && /^\d{4}$/.test(named)) return named;
  const own = request.viewer?.municipalityCodes;
  if (own?.length === 1) return own[0];
  const all = await listMunicipalities(request.server.database.db);
  const visible = own ? all.filter((m) => own.includes(m.code)) : all;
  return visible.length === 1 ? visible[0].code : null;
}

/**
 * Audits refused data requests: every 401/403 on {@link AUDITED_REFUSAL_ROUTES} becomes an audit row
 * (`action: refused`) with the viewer, route, the resolved municipality, what was asked and the problem code.
 * Written after the answer is sent, so a refusal costs the client nothing extra.
 */
export function installRefusalAudit(app: AppInstance) {
  const limiter = new RateLimiter(REFUSAL_AUDITS_PER_MINUTE, 60_000);
  const dropped = new Map<string, number>();
  app.addHook('preHandler', async (request) => {
    request.handlerReached = true;
  });
  app.addHook('onError', async (request, _reply, error) => {
    request.refusalCode = (error as { code?: string }).code;
  });
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode !== 401 && reply.statusCode !== 403) return;
    const route = request.routeOptions.url ?? request.url.split('?')[0];
    if (!AUDITED_REFUSAL_ROUTES.some((re) => re.test(route))) return;
    if (request.handlerReached && SELF_AUDITED_ROUTES.has(route)) return;
    const viewer = request.viewer;
    const key = viewer?.userId != null ? `user:${viewer.userId}` : viewer?.tokenId != null ? `token:${viewer.tokenId}` : `ip:${request.ip}`;
    if (limiter.retryAfterS(key) > 0) {
      if (dropped.size < 10_000 || dropped.has(key)) dropped.set(key, (dropped.get(key) ?? 0) + 1);
      return;
    }
    limiter.record(key);
    const notRecorded = dropped.get(key) ?? 0;
    dropped.delete(key);
    try {
      await recordAudit(request.server.database.db, viewer, {
        action: 'refused', route, municipality: await resolvedMunicipality(request), ip: request.ip,
        filters: { method: request.method, status: reply.statusCode, code: request.refusalCode ?? null, query: askedFor(request), ...(notRecorded ? { refusals_not_recorded: notRecorded } : {}) },
      });
    } catch (error) {
      request.log.error({ err: error, reqId: request.id }, 'could not audit a refused request');
    }
  });
}
