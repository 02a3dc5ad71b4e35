import type { FastifyError } from 'fastify';
import { Type } from 'typebox';
import type { AppInstance } from '../../app.ts';
import { badRequest } from '../../infra/errors.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { Nullable } from '../../../shared/schema-kit.ts';
import { SiteReportSchema as SiteReport } from '../../../shared/site-checks.schema.ts';
import { IncidentFilterQuery } from '../incidents/incident-filters.ts';
import { resolveMunicipality } from '../municipalities/municipalities.service.ts';
import { getSavedSiteCheck, listSavedSiteChecks, requireSiteCheckEditor, requireSiteCheckReader, runSiteCheck, type SiteCheckRequest } from './site-checks.service.ts';

const Body = Type.Object(
  {
    municipality: IncidentFilterQuery.municipality,
    geometry: Type.Unknown({ description: 'GeoJSON Point, Polygon or MultiPolygon in WGS84 (RFC 7946)' }),
    buffer_m: Type.Number({ description: 'metres around the geometry (a point\'s radius; 10–2000 for a point, 0–2000 for a polygon)' }),
    from: IncidentFilterQuery.from,
    to: IncidentFilterQuery.to,
    category: IncidentFilterQuery.category,
    source: IncidentFilterQuery.source,
    name: Type.Optional(Type.String({ maxLength: 200, description: 'saves the check under this name' })),
  },
  { additionalProperties: false },
);

const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };

/** A drawn geometry may be big; a body past the limit is a 400 naming `geometry`, like a vertex count past the cap. */
const BODY_LIMIT = 2 * 1024 * 1024;
function geometryTooLarge(error: FastifyError) {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return badRequest('geometry', `the request body is over ${BODY_LIMIT / 1024 / 1024} MB; draw a simpler geometry (at most 10000 positions)`);
  return error;
}

/** POST /api/site-checks (run, and save with `name`), POST /api/site-checks/save, GET list and GET by id. */
export async function siteCheckRoutes(app: AppInstance) {
  // Only the site-check routes turn an oversized body into a 400 naming the geometry.
  app.register(async (scoped) => {
    scoped.setErrorHandler(async (error: FastifyError, _request, _reply) => {
      throw geometryTooLarge(error);
    });
    for (const [url, save] of [['/api/site-checks', false], ['/api/site-checks/save', true]] as const) {
      scoped.post(
        url,
        {
          bodyLimit: BODY_LIMIT,
          // The role gate comes before body validation, so a refused caller learns nothing about the input.
          preValidation: async (request) => requireSiteCheckEditor(request.viewer),
          schema: {
            tags: ['site-checks'],
            summary: save
              ? 'Runs and saves a site check (name required)'
              : 'Site check for a drawn polygon or point + radius: incidents against the municipality\'s rates, time pattern, survey marks, hotspots, checklist; saved when `name` is given',
            body: Body,
            response: { 200: SiteReport, 201: SiteReport, ...errors },
          },
        },
        async (request, reply) => {
          const viewer = request.viewer;
          const result = await runSiteCheck(app.database.db, viewer, request.body as SiteCheckRequest, { save });
          if (result.id !== null) {
            await recordAudit(app.database.db, viewer, {
              action: 'site_checks.save', route: url, municipality: result.municipality,
              filters: { id: result.id, name: result.name, buffer_m: result.buffer_m, period: result.period }, ip: request.ip,
            });
            reply.status(201);
          }
          return result;
        },
      );
    }
  });

  app.get(
    '/api/site-checks',
    {
      schema: {
        tags: ['site-checks'], summary: 'Saved site checks of a municipality, newest first',
        querystring: Type.Object({ municipality: IncidentFilterQuery.municipality }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            municipality: Type.String(),
            site_checks: Type.Array(Type.Object({
              id: Type.Integer(), name: Nullable(Type.String()), buffer_m: Type.Number(), period_from: Type.String(), period_to: Type.String(),
              created_at: Type.String(), area_m2: Type.Number(),
            })),
          }),
          ...errors,
        },
      },
      preValidation: async (request) => requireSiteCheckReader(request.viewer),
    },
    async (request) => {
      const municipality = await resolveMunicipality(app.database.db, request.query.municipality, request.viewer);
      return listSavedSiteChecks(app.database.db, request.viewer, municipality);
    },
  );

  app.get(
    '/api/site-checks/:id',
    {
      schema: {
        tags: ['site-checks'], summary: 'A saved site check (recomputed under your own access rules when another role saved it)',
        params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) }),
        response: { 200: SiteReport, ...errors },
      },
      preValidation: async (request) => requireSiteCheckReader(request.viewer),
    },
    async (request) => getSavedSiteCheck(app.database.db, request.viewer, request.params.id),
  );
}
