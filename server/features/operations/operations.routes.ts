import { sql } from 'kysely';
import { Type } from 'typebox';
import type { AppInstance } from '../../app.ts';
import { AppError } from '../../infra/errors.ts';
import { appliedMigrations, listMigrations } from '../../infra/migrate.ts';
import { renderMetrics } from '../../infra/metrics.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { viewerOfToken } from '../auth/auth.service.ts';
import { requireAdmin } from '../auth/guards.ts';
import { PUBLIC_VIEWER } from '../auth/viewer.ts';

const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  db: Type.String(),
  schema_version: Type.Union([Type.String(), Type.Null()]),
  expected_schema_version: Type.String(),
  pending_migrations: Type.Array(Type.String()),
  reason: Type.Optional(Type.String()),
});

/** GET /api/ready (readiness for a load balancer or systemd) and GET /metrics (Prometheus, admin token). */
export async function operationsRoutes(app: AppInstance) {
  app.get(
    '/api/ready',
    {
      schema: {
        tags: ['health'],
        summary: 'Readiness: the database answers and is at the schema version this code expects (503 otherwise)',
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (_request, reply) => {
      const expected = listMigrations().map((m) => m.name);
      const base = { db: app.database.kind, expected_schema_version: expected.at(-1)! };
      try {
        await sql`SELECT 1`.execute(app.database.db);
        const applied = new Set(await appliedMigrations(app.database));
        const pending = expected.filter((m) => !applied.has(m));
        const version = [...applied].sort().at(-1) ?? null;
        const body = { ...base, schema_version: version, pending_migrations: pending };
        if (pending.length) return reply.status(503).send({ status: 'not_ready', ...body, reason: 'migrations pending' });
        return { status: 'ready' as const, ...body };
      } catch {
        return reply.status(503).send({ status: 'not_ready', ...base, schema_version: null, pending_migrations: [], reason: 'database unavailable' });
      }
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['health'],
        summary: 'Prometheus metrics: requests and latency per route, import rows, cache hits, database connections (admin token)',
        response: { 200: Type.String(), 401: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (request, reply) => {
      // Outside /api, so the auth hook has not looked at the token: scrapers send `Authorization: Bearer`.
      let viewer = request.viewer ?? PUBLIC_VIEWER;
      const match = /^Bearer +(\S+)\s*$/i.exec(request.headers.authorization ?? '');
      if (request.headers.authorization !== undefined) {
        const resolved = match ? await viewerOfToken(app.database.db, match[1]) : null;
        if (!resolved) {
          reply.header('www-authenticate', 'Bearer error="invalid_token"');
          throw new AppError(401, 'UNAUTHORIZED', 'The API token is invalid or has been revoked');
        }
        viewer = resolved;
      }
      requireAdmin(viewer);
      const stats = app.database.stats?.();
      const lines = renderMetrics();
      const gauge = (name: string, help: string, value: number) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${value}`);
      if (stats) {
        gauge('lagesbild_db_connections', `Database connections open (${app.database.kind}).`, stats.total);
        gauge('lagesbild_db_connections_active', 'Database connections running a query or holding a transaction.', stats.active);
        gauge('lagesbild_db_queue_depth', 'Queries waiting for a database connection (PGlite: its single connection).', stats.waiting);
      }
      const memory = process.memoryUsage();
      gauge('lagesbild_process_resident_memory_bytes', 'Resident memory of the server process.', memory.rss);
      gauge('lagesbild_process_uptime_seconds', 'Seconds since the server process started.', Math.round(process.uptime()));
      reply.type('text/plain; version=0.0.4; charset=utf-8');
      return `${lines.join('\n')}\n`;
    },
  );
}
