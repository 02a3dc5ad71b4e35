import { Type } from 'typebox';
import { DistrictKindSchema as KindSchema } from '../../../shared/schema-kit.ts';
import type { AppInstance } from '../../app.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { IncidentFilterQuery } from '../incidents/incident-filters.ts';
import { renderPublicPage } from './public.page.ts';
import { getPublicPromises, getPublicTrends } from './public.service.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Suppression = Nullable(Type.Union([Type.Literal('small'), Type.Literal('complementary')]));

// Allow-list of what the public sees of a promise: no internal notes, evidence, authors or drafts.
const PublicPromise = Type.Object({
  id: Type.Integer(),
  municipality: Type.String(),
  title: Type.String(),
  area: Type.Object({ district_ids: Type.Array(Type.Integer()), district_names: Type.Array(Type.String()) }),
  period_start: Type.String(),
  period_end: Type.String(),
  problems: Type.Array(Type.String()),
  commitments: Type.Array(Type.Object({ actor: Type.String(), text: Type.String(), responsible: Nullable(Type.String()) })),
  indicators: Type.Array(Type.Object({
    key: Type.String(), baseline: Nullable(Type.Number()), target: Nullable(Type.Number()), followup: Nullable(Type.Number()), suppressed: Type.Boolean(),
  })),
  status: Type.String(),
  published_at: Nullable(Type.String()),
  followed_up_at: Nullable(Type.String()),
});

const PublicTrend = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Type.String(),
  parent_id: Nullable(Type.Integer()),
  count: Nullable(Type.Integer()),
  previous_count: Nullable(Type.Integer()),
  rate_per_1000: Nullable(Type.Number()),
  trend: Nullable(Type.Union([Type.Literal('up'), Type.Literal('down'), Type.Literal('stable')])),
  suppressed: Type.Boolean(),
  suppression: Suppression,
});

const PublicQuery = Type.Object({ municipality: IncidentFilterQuery.municipality }, { additionalProperties: false });
const TrendQuery = Type.Object(
  { municipality: IncidentFilterQuery.municipality, from: IncidentFilterQuery.from, to: IncidentFilterQuery.to, category: IncidentFilterQuery.category, level: Type.Optional(KindSchema) },
  { additionalProperties: false },
);

/** The public page's data (no sign-in): published citizen promises and suppressed district trends; and the page. */
export async function publicRoutes(app: AppInstance) {
  app.get(
    '/api/public/citizen-promises',
    {
      schema: {
        tags: ['public'], summary: 'Published citizen promises (medborgarlöften) without internal fields',
        querystring: PublicQuery,
        response: { 200: Type.Object({ municipality: Type.String(), promises: Type.Array(PublicPromise) }), 400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request) => getPublicPromises(app.database.db, request.query.municipality),
  );

  app.get(
    '/api/public/trends',
    {
      schema: {
        tags: ['public'], summary: 'District counts and trend against a year earlier, open categories only, small counts protected',
        querystring: TrendQuery,
        response: {
          200: Type.Object({
            municipality: Type.String(), period: Type.Object({ from: Type.String(), to: Type.String() }),
            comparison: Type.Object({ from: Type.String(), to: Type.String() }), level: Nullable(Type.String()),
            categories: Type.Array(Type.String()), districts: Type.Array(PublicTrend),
          }),
          400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema,
        },
      },
    },
    async (request) => getPublicTrends(app.database.db, request.query),
  );

  app.get(
    '/public',
    { schema: { hide: true, querystring: PublicQuery } },
    async (request, reply) => {
      const db = app.database.db;
      const [promises, trends] = await Promise.all([
        getPublicPromises(db, request.query.municipality), getPublicTrends(db, { municipality: request.query.municipality }),
      ]);
      const m = await db.selectFrom('municipality').select('name').where('code', '=', promises.municipality).executeTakeFirst();
      reply.type('text/html; charset=utf-8');
      return renderPublicPage({ municipalityName: m?.name ?? promises.municipality, promises: promises.promises, trends });
    },
  );
}
