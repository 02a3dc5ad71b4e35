import { Type } from 'typebox';
import type { AppInstance } from '../../app.ts';
import { AppError } from '../../infra/errors.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { IncidentFilterQuery, resolveIncidentFilters } from './incident-filters.ts';
import { findIncidentPointColumns, findIncidentPoints, MAX_POINTS_COLUMNS, MAX_POINTS_GEOJSON, parseBbox } from './incident-points.service.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Period = Type.Object({ from: Type.String(), to: Type.String() });

// The response schemas are the privacy allow-list: nothing leaves unless named here.
const PointProperties = Type.Object({
  category: Type.String(),
  source: Type.String(),
  occurred_at: Type.String(),
  precision: Type.Union([Type.Literal('exact'), Type.Literal('snapped_100m')]),
  place: Type.Optional(Nullable(Type.String())),
  description: Type.Optional(Nullable(Type.String())),
});
const PointFeature = Type.Object({
  type: Type.Literal('Feature'),
  geometry: Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }) }),
  properties: PointProperties,
});
const Meta = {
  municipality: Type.String(),
  period: Period,
  count: Type.Integer(),
  truncated: Type.Boolean(),
  limit: Type.Integer(),
};
const GeoJsonAnswer = Type.Object({ type: Type.Literal('FeatureCollection'), ...Meta, features: Type.Array(PointFeature) });
const ColumnsAnswer = Type.Object({
  format: Type.Literal('columns'),
  ...Meta,
  categories: Type.Array(Type.String()),
  positions: Type.Array(Type.Number()),
  category: Type.Array(Type.Integer()),
  time: Type.Array(Type.Integer()),
  snapped: Type.Array(Type.Integer()),
});

/** GET /api/incidents: role-gated incident points in a bbox, as GeoJSON or as flat columns for deck.gl. */
export async function incidentRoutes(app: AppInstance) {
  app.get(
    '/api/incidents',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Incident points in a WGS84 bbox (role-gated: snapped to a 100 m grid or exact, SPEC §6); audited',
        querystring: Type.Object(
          {
            ...IncidentFilterQuery,
            bbox: Type.String({ maxLength: 200, description: 'minLon,minLat,maxLon,maxLat (WGS84)' }),
            format: Type.Optional(Type.Union([Type.Literal('geojson'), Type.Literal('columns')], { default: 'geojson' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_POINTS_COLUMNS })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Union([GeoJsonAnswer, ColumnsAnswer]), 400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request, reply) => {
      const { bbox: bboxText, format = 'geojson', limit: askedLimit, ...filterInput } = request.query;
      const viewer = request.viewer;
      let resultCount: number | null = null;
      let outcome = 'denied';
      // The audit row names the municipality resolved, not only the one the request named.
      let audited: string | null = filterInput.municipality ?? null;
      try {
        const bbox = parseBbox(bboxText);
        const cap = format === 'columns' ? MAX_POINTS_COLUMNS : MAX_POINTS_GEOJSON;
        if (askedLimit !== undefined && askedLimit > cap) {
          throw new AppError(400, 'BAD_REQUEST', `limit: at most ${cap} for format=${format}`, [{ field: 'limit', message: `at most ${cap}` }]);
        }
        const filters = await resolveIncidentFilters(app.database.db, filterInput, viewer, { purpose: 'points' });
        audited = filters.municipality;
        const ask = { bbox, limit: askedLimit ?? cap, categoriesRequested: filterInput.category !== undefined };
        const period = { from: filters.from, to: filters.to };
        if (format === 'columns') {
          const { count, truncated, limit, ...columns } = await findIncidentPointColumns(app.database.db, viewer, filters, ask);
          resultCount = count;
          outcome = 'ok';
          return { format: 'columns' as const, municipality: filters.municipality, period, count, truncated, limit, ...columns };
        }
        const result = await findIncidentPoints(app.database.db, viewer, filters, ask);
        resultCount = result.rows.length;
        outcome = 'ok';
        const meta = { municipality: filters.municipality, period, count: result.rows.length, truncated: result.truncated, limit: result.limit };
        reply.type('application/geo+json');
        return {
          type: 'FeatureCollection' as const,
          ...meta,
          features: result.rows.map((r) => ({
            type: 'Feature' as const,
            geometry: { type: 'Point' as const, coordinates: [r.lon, r.lat] },
            properties: {
              category: r.category_code, source: r.source, occurred_at: r.occurred_at,
              precision: r.snapped ? ('snapped_100m' as const) : ('exact' as const),
              ...(r.snapped ? {} : { place: r.place }),
              ...(result.withDescriptions ? { description: r.description } : {}),
            },
          })),
        };
      } finally {
        await recordAudit(app.database.db, viewer, {
          action: `incidents.points.${outcome}`, route: '/api/incidents', municipality: audited,
          filters: { ...filterInput, bbox: bboxText, format }, resultCount, ip: request.ip,
        });
      }
    },
  );
}
