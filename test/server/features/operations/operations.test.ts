import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type AppInstance } from '../../../../server/app.ts';
import { loadConfig } from '../../../../server/config.ts';
import { countCacheLookup } from '../../../../server/infra/metrics.ts';
import { listMigrations } from '../../../../server/infra/migrate.ts';
import { createToken } from '../../../../server/features/auth/auth.service.ts';
import { createDistrict, createIncidents, createMunicipality, times } from '../../../helpers/factories.ts';
import { openDatabase } from '../../../../server/infra/db.ts';
import { createTestDatabase, testBackends, type TestDatabase } from '../../../helpers/test-db.ts';

const SECRET_PLACE = 'Hemliga gatan 13';
const SECRET_TEXT = 'BESKRIVNING-SOM-INTE-FAR-LOGGAS';

for (const backend of testBackends()) {
  describe(`operations: readiness, metrics, request log (${backend})`, { timeout: 300_000 }, () => {
    let database: TestDatabase;
    let app: AppInstance;
    const logLines: string[] = [];
    let admin: Record<string, string>;
    let council: Record<string, string>;

    beforeAll(async () => {
      database = await createTestDatabase(backend);
      const m = await createMunicipality(database.db);
      await createDistrict(database.db, { municipality: m, name: 'Åby', population: 1000, x: 0, y: 0, size: 1000 });
      await createIncidents(database.db, m, times(8, { at: '2025-03-15T12:00:00+01:00', x: 500, y: 500, category: 'stold' }));
      await sql`UPDATE incident SET description = ${SECRET_TEXT}, place = ${SECRET_PLACE}`.execute(database.db);
      const stream = new Writable({
        write(chunk, _enc, done) {
          logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
          done();
        },
      });
      app = await buildApp({ config: loadConfig({ DEMO: '0', CLIENT_DIR: '/nonexistent' }), database, logger: { level: 'info', stream } });
      admin = { authorization: `Bearer ${(await createToken(database.db, { role: 'admin', allMunicipalities: true })).token}` };
      council = { authorization: `Bearer ${(await createToken(database.db, { role: 'council', allMunicipalities: true })).token}` };
    }, 600_000);
    afterAll(async () => {
      await app?.close();
      await database?.destroy();
    });

    it('reports ready with the schema version when the database answers and nothing is pending', async () => {
      const res = await app.inject({ method: 'GET', url: '/api/ready' });
      expect(res.statusCode).toBe(200);
      const latest = listMigrations().at(-1)!.name;
      expect(res.json()).toEqual({ status: 'ready', db: backend, schema_version: latest, expected_schema_version: latest, pending_migrations: [] });
    });

    it('reports not ready (503) while a migration is pending', async () => {
      const last = listMigrations().at(-1)!.name;
      await sql`DELETE FROM schema_migration WHERE name = ${last}`.execute(database.db);
      try {
        const res = await app.inject({ method: 'GET', url: '/api/ready' });
        expect(res.statusCode).toBe(503);
        expect(res.json()).toMatchObject({ status: 'not_ready', pending_migrations: [last], reason: 'migrations pending' });
      } finally {
        await sql`INSERT INTO schema_migration (name) VALUES (${last})`.execute(database.db);
      }
    });

    it('reports not ready (503), database unavailable, once its database is closed', async () => {
      const closing = await createTestDatabase(backend);
      const other = await buildApp({ config: loadConfig({ DEMO: '0', CLIENT_DIR: '/nonexistent' }), database: closing });
      try {
        const first = await other.inject({ method: 'GET', url: '/api/ready' });
        expect(first.json()).toMatchObject({ status: 'ready' });
        await closing.close();
        const res = await other.inject({ method: 'GET', url: '/api/ready' });
        expect(res.statusCode).toBe(503);
        expect(res.json()).toEqual({
          status: 'not_ready', db: backend, schema_version: null, expected_schema_version: listMigrations().at(-1)!.name,
          pending_migrations: [], reason: 'database unavailable',
        });
      } finally {
        await other.close();
        await closing.destroy();
      }
    });

    it('serves Prometheus metrics to an admin token only, within 50 ms', async () => {
      expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
      expect((await app.inject({ method: 'GET', url: '/metrics', headers: council })).statusCode).toBe(403);
      expect((await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer nope' } })).statusCode).toBe(401);
      for (let i = 0; i < 3; i++) await app.inject({ method: 'GET', url: `/api/stats/districts?municipality=0999&from=2025-01-01&to=2026-01-01&q=${i}`, headers: council });
      countCacheLookup('test-cache', true);
      const times: number[] = [];
      let body = '';
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        const res = await app.inject({ method: 'GET', url: '/metrics', headers: admin });
        times.push(performance.now() - t0);
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
        body = res.body;
      }
      expect(body).toMatch(/lagesbild_http_requests_total\{method="GET",route="\/api\/stats\/districts",status="(200|400)"\} [3-9]/);
      expect(body).toMatch(/lagesbild_http_request_duration_seconds_bucket\{method="GET",route="\/api\/stats\/districts",le="\+Inf"\} \d+/);
      expect(body).toMatch(/lagesbild_cache_hits_total\{cache="test-cache"\} \d+/);
      expect(body).toMatch(/^lagesbild_db_queue_depth \d+$/m);
      expect(body).toMatch(/^lagesbild_db_connections \d+$/m);
      expect(body).not.toContain('q=');
      expect(Math.min(...times)).toBeLessThan(50);
    });

    it('logs one JSON line per request with id, route pattern, status, duration and role, and no personal data or text', async () => {
      logLines.length = 0;
      await app.inject({ method: 'GET', url: `/api/incidents?municipality=0999&from=2025-01-01&to=2026-01-01&q=${encodeURIComponent(SECRET_PLACE)}`, headers: admin });
      await app.inject({ method: 'GET', url: `/api/stats/districts?municipality=0999&from=2025-01-01&to=2026-01-01`, headers: council });
      await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email: 'person@example.se', password: SECRET_TEXT } });
      await app.inject({ method: 'GET', url: `/no/such/${encodeURIComponent(SECRET_PLACE)}` });
      const entries = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.msg === 'request' || e.msg === 'request failed');
      expect(entries.length).toBe(4);
      for (const e of entries) {
        expect(e).toEqual(expect.objectContaining({ reqId: expect.any(String), method: expect.any(String), route: expect.any(String), status: expect.any(Number), duration_ms: expect.any(Number), role: expect.any(String) }));
      }
      expect(entries.map((e) => [e.route, e.role])).toEqual([
        ['/api/incidents', 'admin'], ['/api/stats/districts', 'council'], ['/api/auth/sign-in', 'public'], ['unmatched', 'public'],
      ]);
      const all = logLines.join('\n');
      for (const secret of [SECRET_PLACE, encodeURIComponent(SECRET_PLACE), SECRET_TEXT, 'person@example.se', 'Hemliga', '?municipality', '127.0.0.1']) {
        expect(all).not.toContain(secret);
      }
    });
  });
}

describe.skipIf(!testBackends().includes('postgres'))('operations: readiness with the database server down (postgres)', { timeout: 120_000 }, () => {
  it('answers 503 database unavailable when nothing listens at DATABASE_URL', async () => {
    // A port nothing listens on: every connection attempt is refused at once.
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.port = '1';
    const down = await openDatabase({ databaseUrl: url.toString(), dataDir: '' });
    const app = await buildApp({ config: loadConfig({ DEMO: '0', CLIENT_DIR: '/nonexistent' }), database: down });
    try {
      const res = await app.inject({ method: 'GET', url: '/api/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'not_ready', db: 'postgres', schema_version: null, reason: 'database unavailable' });
    } finally {
      await app.close();
      await down.close();
    }
  });
});
