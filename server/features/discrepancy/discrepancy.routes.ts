import { Type } from 'typebox';
import { DISCREPANCY_CLASSES } from '../../../shared/constants.ts';
import { DistrictKindSchema } from '../../../shared/schema-kit.ts';
import type { AppInstance } from '../../app.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { hotspotDisclosure, statsRateLimit } from '../disclosure/index.ts';
import { CELL_MAX_M, CELL_MIN_M } from '../hotspots/hotspots.service.ts';
import { IncidentFilterQuery, resolveIncidentFilters } from '../incidents/incident-filters.ts';
import { getDiscrepancy } from './discrepancy.service.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Level = Nullable(Type.Union([Type.Literal('high'), Type.Literal('low')]));
const Class = Type.Union([
  Type.Literal(DISCREPANCY_CLASSES[0]), Type.Literal(DISCREPANCY_CLASSES[1]), Type.Literal(DISCREPANCY_CLASSES[2]),
  Type.Literal(DISCREPANCY_CLASSES[3]), Type.Literal(DISCREPANCY_CLASSES[4]),
]);
const GiClass = Type.String();

/** GET /api/stats/discrepancy: incident level against perceived unsafety per district and per hexagon. */
export async function discrepancyRoutes(app: AppInstance) {
  app.get(
    '/api/stats/discrepancy',
    {
      preHandler: statsRateLimit(app),
      schema: {
        tags: ['statistics'],
        summary: 'Säkerhet vs trygghet: incident level against perceived unsafety, classified, with thresholds',
        querystring: Type.Object(
          {
            ...IncidentFilterQuery,
            survey: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1, description: 'survey id; default the latest' })),
            level: Type.Optional(DistrictKindSchema),
            cells: Type.Optional(Type.Boolean({ description: 'include hexagons (roles with hotspot access; default for them)' })),
            cell: Type.Optional(Type.Number({ minimum: CELL_MIN_M, maximum: CELL_MAX_M, default: 200 })),
            band: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100_000 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            municipality: Type.String(),
            period: Type.Object({ from: Type.String(), to: Type.String() }),
            categories: Type.Array(Type.String()),
            level: Type.String(),
            survey: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
            thresholds: Type.Object({
              incident: Type.Object({ measure: Type.String(), value: Nullable(Type.Number()), rule: Type.String() }),
              perceived: Type.Object({
                measure: Type.String(), value: Nullable(Type.Number()), rule: Type.String(),
                fallback: Type.Object({ measure: Type.String(), value: Nullable(Type.Number()), rule: Type.String() }),
              }),
              cell: Type.Object({ incident: Type.String(), perceived: Type.String() }),
            }),
            classes: Type.Record(Type.String(), Type.String()),
            districts: Type.Array(Type.Object({
              id: Type.Integer(), name: Type.String(), kind: Type.String(), population: Nullable(Type.Integer()),
              count: Nullable(Type.Integer()), rate_per_1000: Nullable(Type.Number()), suppressed: Type.Boolean(),
              incident_level: Level,
              share_otrygg: Nullable(Type.Number()), share_otrygg_low: Nullable(Type.Number()), share_otrygg_high: Nullable(Type.Number()),
              survey_n: Nullable(Type.Integer()),
              marks: Nullable(Type.Integer()), marks_per_km2: Nullable(Type.Number()),
              perceived_level: Level,
              perceived_measure: Nullable(Type.String()),
              class: Class,
            })),
            cells: Nullable(Type.Object({
              type: Type.Literal('FeatureCollection'),
              cell_m: Type.Number(),
              band_m: Type.Number(),
              features: Type.Array(Type.Object({
                type: Type.Literal('Feature'),
                geometry: Type.Object({ type: Type.String(), coordinates: Type.Array(Type.Unknown()) }),
                properties: Type.Object({
                  i: Type.Integer(), j: Type.Integer(),
                  count: Type.Union([Type.Integer(), Type.Literal('<5')]),
                  incident_class: GiClass, marks: Type.Integer(), mark_class: GiClass, class: Class,
                }),
              })),
            })),
          }),
          400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 429: ProblemSchema,
        },
      },
    },
    async (request) => {
      const { survey, level, cells, cell = 200, band, ...filterQuery } = request.query;
      const filters = await resolveIncidentFilters(app.database.db, filterQuery, request.viewer);
      const withCells = cells ?? hotspotDisclosure(request.viewer.role, filters.categories) !== null;
      return getDiscrepancy(app.database.db, request.viewer, filters, { surveyId: survey, level, cells: withCells, cell, band });
    },
  );
}
