import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppInstance } from '../../app.ts';
import { AppError } from '../../infra/errors.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { RateLimiter } from '../../infra/rate-limiter.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { getDistrictStats } from '../districts/district-stats.service.ts';
import { DistrictStats } from '../../../shared/districts.schema.ts';
import { IncidentFilterQuery, resolveIncidentFilters } from '../incidents/incident-filters.ts';
import { resolveMunicipality } from '../municipalities/municipalities.service.ts';

/** Export records accepted per account (or per address without one) and minute. */
export const EXPORTS_PER_MINUTE = 60;

/**
 * GET /api/exports/district-stats: the district statistics of a CSV or GeoJSON export, computed here by the
 * same path as /api/stats/districts for this viewer, and recorded in the audit log by the server that
 * produced them (row count, municipality and filters as the server resolved them, not as a client reports).
 * The client turns the answer into the file.
 *
 * POST /api/exports/audit: the map client records the exports it draws itself (the PNG; SPEC §6: every export is
 * audited) before offering the file. Exports hold only aggregates the viewer already received.
 */
export async function exportRoutes(app: AppInstance) {
  const limiterKey = (request: FastifyRequest) => {
    const { userId, tokenId } = request.viewer;
    return userId !== null ? `user:${userId}` : tokenId !== null ? `token:${tokenId}` : `ip:${request.ip}`;
  };
  // Far above what a person exports in a meeting, far below what fills the audit log from a script.
  const limiter = new RateLimiter(EXPORTS_PER_MINUTE, 60_000);
  app.get(
    '/api/exports/district-stats',
    {
      schema: {
        tags: ['exports'],
        summary: 'District statistics for a CSV or GeoJSON export (as /api/stats/districts), audited by the server',
        querystring: Type.Object(
          {
            kind: Type.Union([Type.Literal('csv'), Type.Literal('geojson')]),
            ...IncidentFilterQuery,
            compare: Type.Optional(Type.Union([Type.Literal('previous'), Type.Literal('year')], { default: 'previous' })),
            level: Type.Optional(Type.Union([Type.Literal('kommundel'), Type.Literal('stadsdel'), Type.Literal('omrade')])),
          },
          { additionalProperties: false },
        ),
        response: { 200: DistrictStats, 400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 429: ProblemSchema },
      },
    },
    async (request, reply) => {
      const key = limiterKey(request);
      const wait = limiter.retryAfterS(key);
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        throw new AppError(429, 'TOO_MANY_EXPORTS', `För många exporter på kort tid; försök igen om ${wait} sekunder.`);
      }
      const { kind, compare = 'previous', level, ...filterInput } = request.query;
      const filters = await resolveIncidentFilters(app.database.db, filterInput, request.viewer);
      const stats = await getDistrictStats(app.database.db, filters, { compare, level });
      await recordAudit(app.database.db, request.viewer, {
        action: `export.${kind}`, route: '/api/exports/district-stats', municipality: filters.municipality, ip: request.ip,
        filters: { ...filterInput, compare, ...(level ? { level } : {}), period_from: stats.period.from, period_to: stats.period.to, recorded_by: 'server' },
        resultCount: stats.districts.length,
      });
      limiter.record(key);
      return stats;
    },
  );

  app.post(
    '/api/exports/audit',
    {
      bodyLimit: 8192,
      schema: {
        tags: ['exports'],
        summary: 'Record an export made in the map client (kind, filters, rows) in the audit log',
        body: Type.Object(
          {
            kind: Type.Union([Type.Literal('png'), Type.Literal('csv'), Type.Literal('geojson')]),
            municipality: IncidentFilterQuery.municipality,
            filters: Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 1000 }), { maxProperties: 30 }),
            rows: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
          },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), 400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 429: ProblemSchema },
      },
    },
    async (request, reply) => {
      const key = limiterKey(request);
      const wait = limiter.retryAfterS(key);
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        throw new AppError(429, 'TOO_MANY_EXPORTS', `För många exporter på kort tid; försök igen om ${wait} sekunder.`);
      }
      const municipality = await resolveMunicipality(app.database.db, request.body.municipality, request.viewer);
      await recordAudit(app.database.db, request.viewer, {
        action: `export.${request.body.kind}`, route: '/api/exports/audit', municipality,
        filters: request.body.filters, resultCount: request.body.rows ?? null, ip: request.ip,
      });
      limiter.record(key);
      return reply.code(204).send(null);
    },
  );
}
