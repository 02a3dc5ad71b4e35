import { Type } from 'typebox';
import type { AppInstance } from '../../app.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { stockholmMidnight } from '../../infra/postgis.ts';
import { requireAdmin } from '../auth/guards.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DATE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';

const Entry = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  user_id: Nullable(Type.Integer()),
  token_id: Nullable(Type.Integer()),
  actor: Nullable(Type.String()),
  role: Type.String(),
  action: Type.String(),
  route: Type.String(),
  municipality: Nullable(Type.String()),
  filters: Type.Record(Type.String(), Type.Unknown()),
  result_count: Nullable(Type.Integer()),
  ip: Nullable(Type.String()),
});

/** GET /api/audit-log: who asked for point-level data or exports, when, with which filters (admin only). */
export async function auditRoutes(app: AppInstance) {
  // Gate before body validation, so non-admins learn nothing about the admin routes' inputs.
  app.addHook('preValidation', async (request) => requireAdmin(request.viewer));
  app.get(
    '/api/audit-log',
    {
      schema: {
        tags: ['admin'],
        summary: 'The audit log of point-level requests and exports, newest first (admin)',
        querystring: Type.Object({
          from: Type.Optional(Type.String({ pattern: DATE })),
          to: Type.Optional(Type.String({ pattern: DATE })),
          user_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 })),
          action: Type.Optional(Type.String({ maxLength: 100, pattern: '^[a-z0-9_.:-]+$' })),
          municipality: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
        }, { additionalProperties: false }),
        response: { 200: Type.Object({ entries: Type.Array(Entry), total: Type.Integer() }), 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (request) => {
      requireAdmin(request.viewer);
      const q = request.query;
      const v = request.viewer;
      let query = app.database.db.selectFrom('audit_log');
      if (q.from) query = query.where('at', '>=', stockholmMidnight(q.from) as never);
      if (q.to) query = query.where('at', '<', stockholmMidnight(q.to) as never);
      if (q.user_id) query = query.where('user_id', '=', q.user_id);
      if (q.action) query = query.where('action', '=', q.action);
      if (q.municipality) query = query.where('municipality_code', '=', q.municipality);
      if (v.municipalityCodes) query = query.where('municipality_code', 'in', v.municipalityCodes);
      const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const rows = await query.selectAll().orderBy('id', 'desc').limit(q.limit ?? 100).offset(q.offset ?? 0).execute();
      return {
        total: Number(total.n),
        entries: rows.map((r) => ({
          id: r.id, at: new Date(r.at).toISOString(), user_id: r.user_id, token_id: r.token_id, actor: r.actor, role: r.role, action: r.action,
          route: r.route, municipality: r.municipality_code, filters: typeof r.filters === 'string' ? JSON.parse(r.filters) : r.filters,
          result_count: r.result_count, ip: r.ip,
        })),
      };
    },
  );
}
