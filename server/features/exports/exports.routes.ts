import { Type } from 'typebox';
import type { AppInstance } from '../../app.ts';
import { AppError } from '../../infra/errors.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { RateLimiter } from '../../infra/rate-limiter.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { IncidentFilterQuery } from '../incidents/incident-filters.ts';
import { resolveMunicipality } from '../municipalities/municipalities.service.ts';

/** Export records accepted per account (or per address without one) and minute. */
export const EXPORTS_PER_MINUTE = 60;

/**
 * POST /api/exports/audit: the map client records every PNG, CSV and GeoJSON export it makes (SPEC §6: every
 * export is audited) before offering the file. Exports hold only aggregates the viewer already received.
 */
export async function exportRoutes(app: AppInstance) {
  // Far above what a person exports in a meeting, far below what fills the audit log from a script.
  const limiter = new RateLimiter(EXPORTS_PER_MINUTE, 60_000);
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
      const { userId, tokenId } = request.viewer;
      const key = userId !== null ? `user:${userId}` : tokenId !== null ? `token:${tokenId}` : `ip:${request.ip}`;
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
