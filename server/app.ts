import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type RawReplyDefaultExpression, type RawRequestDefaultExpression, type RawServerDefault } from 'fastify';
import { fastifyTrustProxy, type Config } from './config.ts';
import type { Database } from './infra/db.ts';
import { installProblemHandler } from './infra/problem.ts';
import { OPENAPI_OPTIONS } from './infra/openapi.ts';
import { responseCache } from './features/cache/response-cache.ts';
import { requestGate } from './infra/request-gate.ts';
import { installAuth } from './features/auth/auth.hooks.ts';
import { authRoutes } from './features/auth/auth.routes.ts';
import { userRoutes } from './features/auth/users.routes.ts';
import { auditRoutes } from './features/audit/audit.routes.ts';
import { installRefusalAudit } from './features/audit/refusal-audit.ts';
import { publicRoutes } from './features/public/public.routes.ts';
import { installSecurityHeaders } from './infra/security-headers.ts';
import { discrepancyRoutes } from './features/discrepancy/discrepancy.routes.ts';
import { districtRoutes } from './features/districts/districts.routes.ts';
import { tileRoutes } from './features/tiles/tiles.routes.ts';
import { healthRoutes } from './features/health/health.routes.ts';
import { basemapRoutes } from './features/basemap/basemap.routes.ts';
import { hotspotRoutes } from './features/hotspots/hotspots.routes.ts';
import { importRoutes } from './features/imports/imports.routes.ts';
import { exportRoutes } from './features/exports/exports.routes.ts';
import { ogcRoutes } from './features/ogc/ogc.routes.ts';
import { reportRoutes } from './features/reports/reports.routes.ts';
import { incidentRoutes } from './features/incidents/incidents.routes.ts';
import { municipalityRoutes } from './features/municipalities/municipalities.routes.ts';
import { nearRepeatRoutes } from './features/near-repeat/near-repeat.routes.ts';
import { timePatternRoutes } from './features/time-patterns/time-patterns.routes.ts';
import { surveyMarkRoutes } from './features/survey-marks/survey-marks.routes.ts';
import { surveyRoutes } from './features/surveys/surveys.routes.ts';
import { councilRoutes } from './features/councils/councils.routes.ts';
import { meetingRoutes } from './features/meetings/meetings.routes.ts';
import { actionRoutes } from './features/actions/actions.routes.ts';
import { siteCheckRoutes } from './features/site-checks/site-checks.routes.ts';
import { citizenPromiseRoutes } from './features/citizen-promises/citizen-promises.routes.ts';
import { operationsRoutes } from './features/operations/operations.routes.ts';
import { backupRoutes } from './features/backup/backup.routes.ts';
import { installRequestLog } from './infra/request-log.ts';

declare module 'fastify' {
  interface FastifyInstance {
    database: Database;
    config: Config;
  }
}

/** The Fastify instance with TypeBox-typed routes, as every feature's route plugin receives it. */
export type AppInstance = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface AppOptions {
  config: Config;
  database: Database;
  logger?: boolean | object;
  /** The secret the local CLI may present for GET /api/backup (set once the server file is written). */
  localSecret?: () => string | undefined;
}

/** Builds the HTTP app over an open, migrated database; no listening, so tests drive it with inject(). */
export async function buildApp({ config, database, logger = false, localSecret }: AppOptions): Promise<AppInstance> {
  const app = Fastify({
    logger,
    bodyLimit: 1024 * 1024,
    // Unknown fields are errors, not silently dropped (STYLE: validate at the edges).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    requestIdHeader: false,
    // Who the client is (request.ip, the sign-in limiter, the audit log) depends on which proxies are believed.
    trustProxy: fastifyTrustProxy(config.trustProxy),
    genReqId: () => crypto.randomUUID(),
    // Fastify's own request lines carry raw URLs (query strings) and IPs: installRequestLog logs instead.
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('database', database);
  app.decorate('config', config);
  app.decorateRequest('viewer', null as never);
  installAuth(app);
  installRefusalAudit(app);
  installSecurityHeaders(app, { basemapStyleUrl: config.basemapStyleUrl });
  installProblemHandler(app);
  installRequestLog(app);

  await app.register(fastifySwagger, OPENAPI_OPTIONS);
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // Before the routes: its hooks answer repeated analysis requests without running them.
  await app.register(responseCache);
  // After the cache: heavy analyses and imports queue fairly, a few at a time; cached answers never wait.
  await app.register(requestGate);
  // Every feature, in one list.
  await app.register(healthRoutes);
  await app.register(basemapRoutes);
  await app.register(authRoutes);
  await app.register(userRoutes);
  await app.register(auditRoutes);
  await app.register(publicRoutes);
  await app.register(municipalityRoutes);
  await app.register(districtRoutes);
  await app.register(hotspotRoutes);
  await app.register(timePatternRoutes);
  await app.register(surveyRoutes);
  await app.register(discrepancyRoutes);
  await app.register(nearRepeatRoutes);
  await app.register(incidentRoutes);
  await app.register(tileRoutes);
  await app.register(importRoutes);
  await app.register(surveyMarkRoutes);
  await app.register(exportRoutes);
  await app.register(councilRoutes);
  await app.register(meetingRoutes);
  await app.register(actionRoutes);
  await app.register(siteCheckRoutes);
  await app.register(citizenPromiseRoutes);
  await app.register(ogcRoutes);
  await app.register(operationsRoutes);
  await app.register(backupRoutes, { localSecret });
  await app.register(reportRoutes);

  await serveClient(app, config.clientDir);
  return app;
}

/**
 * Cache-Control of the built client's files: Vite names everything under assets/ by a hash of its content, so a
 * returning browser may keep those a year without asking again; index.html (which names the current hashes) and
 * anything else is revalidated on every visit.
 */
export function clientCacheControl(relativePath: string): string {
  return /^assets\/[^/]+-[\w-]{8}\.[a-z0-9]+$/i.test(relativePath.split(path.sep).join('/')) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

async function serveClient(app: AppInstance, clientDir: string) {
  const indexHtml = path.join(clientDir, 'index.html');
  if (!fs.existsSync(indexHtml)) return;
  await app.register(fastifyStatic, {
    root: clientDir, prefix: '/', wildcard: false, index: ['index.html'], cacheControl: false,
    setHeaders: (res, filePath) => { res.header('cache-control', clientCacheControl(path.relative(clientDir, filePath))); },
  });
}
