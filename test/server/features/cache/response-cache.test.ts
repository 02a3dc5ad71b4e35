import { gunzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ByteLru, normaliseQuery } from '../../../../server/features/cache/response-cache.ts';
import { rollbackImportBatch } from '../../../../server/features/imports/import-batches.service.ts';
import { importIncidents } from '../../../../server/features/imports/incident-import.service.ts';
import { bytesOf } from '../../../../server/features/imports/text-decoding.ts';
import { mulberry32 } from '../../../../server/stats/random.ts';
import type { Role } from '../../../../shared/roles.ts';
import { authHeaders } from '../../../helpers/auth.ts';
import { createDistrict, createIncidents, createMunicipality, ORIGIN } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

describe('ByteLru', () => {
  const entry = (bytes: number) => ({ body: Buffer.from('x'.repeat(bytes)), contentType: 'text/plain', bytes });

  it('evicts the least recently used entries once the bytes exceed the bound', () => {
    const lru = new ByteLru(1000);
    lru.set('a', entry(200));
    lru.set('b', entry(200));
    lru.set('c', entry(200));
    lru.get('a');
    lru.set('d', entry(200));
    lru.set('e', entry(200));
    lru.set('f', entry(200));
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBeDefined();
    expect(lru.bytes).toBeLessThanOrEqual(1000);
  });

  it('does not keep an answer larger than a quarter of the bound', () => {
    const lru = new ByteLru(1000);
    lru.set('big', entry(300));
    expect(lru.get('big')).toBeUndefined();
    expect(lru.bytes).toBe(0);
  });
});

describe('normaliseQuery', () => {
  it('ignores parameter order and the order and repeats of category and source items', () => {
    expect(normaliseQuery({ to: '2025-02-01', category: 'hot,misshandel,hot', from: '2025-01-01' }))
      .toBe(normaliseQuery({ from: '2025-01-01', category: 'misshandel,hot', to: '2025-02-01' }));
  });

  it('keeps different values apart', () => {
    expect(normaliseQuery({ category: 'hot' })).not.toBe(normaliseQuery({ category: 'misshandel' }));
    expect(normaliseQuery({ district: 1 })).not.toBe(normaliseQuery({ district: 11 }));
  });
});

/** The body of an answer; for an error its problem type, since problem documents name the request. */
function answerOf(r: { statusCode: number; body: string }): string {
  return r.statusCode === 200 ? r.body : String((JSON.parse(r.body) as { type?: string; title?: string }).title);
}

const ROLES: Role[] = ['public', 'council', 'planner', 'analyst', 'police', 'admin'];
const PERIOD = 'municipality=0999&from=2025-01-01&to=2025-07-01';

for (const backend of testBackends()) {
  describe(`response cache (${backend})`, () => {
    let t: TestApp;
    let west: number;
    const headers = new Map<string, Record<string, string>>();

    const get = (url: string, h: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers: h });
    /** The same request with the cache emptied first: what the routes compute right now. */
    const fresh = async (url: string, h: Record<string, string> = {}) => {
      t.app.responseCache.clear();
      return get(url, h);
    };

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      await createMunicipality(db, '0999');
      await createMunicipality(db, '0998', 'Grannkommun');
      west = await createDistrict(db, { municipality: '0999', name: 'Väster', population: 1000, x: 0, y: 0, size: 2000 });
      await createDistrict(db, { municipality: '0999', name: 'Öster', population: 2000, x: 2000, y: 0, size: 2000 });
      const random = mulberry32(15);
      const categories = ['stold', 'misshandel', 'narkotika', 'vald_nara_relation', 'klotter'];
      await createIncidents(db, '0999', Array.from({ length: 300 }, (_, k) => ({
        category: categories[k % categories.length],
        at: new Date(Date.UTC(2025, 0, 1) + random() * 180 * 86_400_000).toISOString(),
        x: random() * 4000, y: random() * 2000,
      })));
      for (const role of ROLES) headers.set(role, await authHeaders(t, role));
      headers.set('police-0998', await authHeaders(t, 'police', '0998'));
    });
    afterAll(async () => t?.close());

    it('answers a repeated request from the cache with the same body and ETag, and If-None-Match with 304', async () => {
      const url = `/api/stats/districts?${PERIOD}&compare=year`;
      const first = await fresh(url);
      expect(first.statusCode).toBe(200);
      expect(first.headers['x-cache']).toBe('miss');
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^W\/".+"$/);
      expect(first.headers['cache-control']).toBe('private, no-cache');
      const second = await get(url);
      expect(second.headers['x-cache']).toBe('hit');
      expect(second.headers.etag).toBe(etag);
      expect(second.body).toBe(first.body);
      expect(second.headers['content-type']).toBe(first.headers['content-type']);
      const revalidated = await get(url, { 'if-none-match': etag });
      expect(revalidated.statusCode).toBe(304);
      expect(revalidated.body).toBe('');
      const other = await get(url, { 'if-none-match': 'W/"something-else"' });
      expect(other.statusCode).toBe(200);
    });

    it('sends a large answer gzipped to clients that accept it, the same bytes as the plain one, miss and hit alike', async () => {
      const url = `/api/stats/time?${PERIOD}`;
      const plain = await fresh(url);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.rawPayload.length).toBeGreaterThan(1024);
      expect(plain.headers.vary).toContain('Accept-Encoding');
      const hit = await get(url, { 'accept-encoding': 'br;q=1.0, gzip;q=0.8, *;q=0.1' });
      expect(hit.headers['x-cache']).toBe('hit');
      expect(hit.headers['content-encoding']).toBe('gzip');
      expect(hit.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
      expect(gunzipSync(hit.rawPayload).toString()).toBe(plain.body);
      const refused = await get(url, { 'accept-encoding': 'gzip;q=0, identity' });
      expect(refused.headers['content-encoding']).toBeUndefined();
      expect(refused.body).toBe(plain.body);
      const miss = await fresh(url, { 'accept-encoding': 'gzip' });
      expect(miss.headers['x-cache']).toBe('miss');
      expect(miss.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(miss.rawPayload).toString()).toBe(plain.body);
    });

    it('treats reordered parameters and category lists as the same request', async () => {
      const a = await fresh(`/api/stats/time?${PERIOD}&category=stold,klotter`);
      const b = await get(`/api/stats/time?category=klotter,stold&to=2025-07-01&from=2025-01-01&municipality=0999`);
      expect(b.headers['x-cache']).toBe('hit');
      expect(b.body).toBe(a.body);
    });

    it('never serves one viewer tier the answer computed for another (property)', async () => {
      const urls = [
        `/api/stats/districts?${PERIOD}`,
        `/api/stats/districts?${PERIOD}&category=narkotika,vald_nara_relation`,
        `/api/stats/time?${PERIOD}`,
        `/api/stats/time?${PERIOD}&district=${west}`,
        `/api/stats/hotspots?${PERIOD}&cell=500`,
        `/api/districts?municipality=0999`,
      ];
      const viewers = [...headers.keys()];
      const random = mulberry32(99);
      // Every (viewer, url) computed alone, then asked again in a random interleaving through the warm cache.
      const expected = new Map<string, { status: number; body: string }>();
      for (const v of viewers) {
        for (const u of urls) {
          const r = await fresh(u, headers.get(v));
          expected.set(`${v} ${u}`, { status: r.statusCode, body: answerOf(r) });
        }
      }
      t.app.responseCache.clear();
      const pairs = viewers.flatMap((v) => urls.map((u) => [v, u] as const));
      let hits = 0;
      for (let k = 0; k < pairs.length * 3; k++) {
        const [v, u] = pairs[Math.floor(random() * pairs.length)];
        const r = await get(u, headers.get(v));
        if (r.headers['x-cache'] === 'hit') hits++;
        expect({ status: r.statusCode, body: answerOf(r) }, `${v} ${u}`).toEqual(expected.get(`${v} ${u}`));
      }
      expect(hits).toBeGreaterThan(0);
      // The tiers really differ on these requests, so a crossed answer would have been caught.
      expect(expected.get(`public /api/stats/districts?${PERIOD}`)!.body).not.toBe(expected.get(`police /api/stats/districts?${PERIOD}`)!.body);
      expect(expected.get(`police-0998 /api/stats/districts?${PERIOD}`)!.status).toBe(403);
    });

    it('computes identical simultaneous requests once', async () => {
      t.app.responseCache.clear();
      const before = t.app.responseCache.stats();
      const url = `/api/stats/hotspots?${PERIOD}&cell=400`;
      const answers = await Promise.all(Array.from({ length: 5 }, () => get(url, headers.get('police'))));
      expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
      expect(new Set(answers.map((r) => r.body)).size).toBe(1);
      const after = t.app.responseCache.stats();
      expect(after.misses - before.misses).toBe(1);
      expect(after.hits - before.hits).toBe(4);
    });

    it('shares an incident tile\'s work between identical requests of one tier, audits every request, and never across tiers or data versions', async () => {
      const { lon, lat } = (await sql<{ lon: number; lat: number }>`
        SELECT ST_X(w) AS lon, ST_Y(w) AS lat FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(${ORIGIN.e + 2000}::float8, ${ORIGIN.n + 1000}::float8), 3006), 4326) AS w) q`.execute(t.database.db)).rows[0];
      const z = 12;
      const tx = Math.floor(((lon + 180) / 360) * 2 ** z);
      const ty = Math.floor(((1 - Math.log(Math.tan((lat * Math.PI) / 180) + 1 / Math.cos((lat * Math.PI) / 180)) / Math.PI) / 2) * 2 ** z);
      const url = `/api/tiles/incidents/${z}/${tx}/${ty}.mvt?${PERIOD}`;
      const audited = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE action = 'incident_tile'`.execute(t.database.db)).rows[0].n;
      t.app.responseCache.clear();
      const audits = await audited();
      const reusedBefore = t.app.responseCache.stats().reused;
      const first = await get(url, headers.get('police')!);
      const second = await get(url, headers.get('police')!);
      expect(first.statusCode).toBe(200);
      expect(Number(first.headers['x-lagesbild-points'])).toBeGreaterThan(20);
      expect(second.rawPayload.equals(first.rawPayload)).toBe(true);
      expect(second.headers['x-lagesbild-points']).toBe(first.headers['x-lagesbild-points']);
      expect(t.app.responseCache.stats().reused - reusedBefore).toBe(1);
      expect(await audited()).toBe(audits + 2);
      // A planner sees other categories, snapped: never the police tile.
      const planner = await get(url, headers.get('planner')!);
      expect(planner.statusCode).toBe(200);
      expect(planner.rawPayload.equals(first.rawPayload)).toBe(false);
      expect(t.app.responseCache.stats().reused - reusedBefore).toBe(1);
      // A write to the municipality's incidents makes the next tile a new computation that includes it.
      await createIncidents(t.database.db, '0999', [{ at: '2025-03-03T10:00:00Z', x: 2010, y: 1010 }]);
      const after = await get(url, headers.get('police')!);
      expect(Number(after.headers['x-lagesbild-points'])).toBe(Number(first.headers['x-lagesbild-points']) + 1);
      expect(t.app.responseCache.stats().reused - reusedBefore).toBe(1);
      expect(await audited()).toBe(audits + 4);
    });

    it('gives an ETag only to answers, never to errors', async () => {
      const r = await get(`/api/stats/hotspots?${PERIOD}`);
      expect(r.statusCode).toBe(403);
      expect(r.headers.etag).toBeUndefined();
    });

    describe('is invalidated by every kind of write', () => {
      const url = `/api/stats/districts?${PERIOD}`;
      let police: Record<string, string>;

      /** Warms the cache, runs the write, and checks the next answer is recomputed and current. */
      const expectInvalidated = async (write: () => Promise<unknown>, changesAnswer = true) => {
        const before = await get(url, police);
        const warm = await get(url, police);
        expect(warm.headers['x-cache']).toBe('hit');
        await write();
        const after = await get(url, police);
        expect(after.headers['x-cache']).toBe('miss');
        expect(after.headers.etag).not.toBe(before.headers.etag);
        const current = await fresh(url, police);
        expect(after.body).toBe(current.body);
        if (changesAnswer) expect(after.body).not.toBe(before.body);
        const revalidate = await get(url, { ...police, 'if-none-match': before.headers.etag as string });
        expect(revalidate.statusCode).toBe(200);
      };

      beforeAll(() => {
        police = headers.get('police')!;
      });

      let batch = 0;
      it('an import', async () => {
        await expectInvalidated(async () => {
          const csv = `id;kategori;tidpunkt;n;e\nC1;stold;2025-03-03 10:00;${ORIGIN.n + 100};${ORIGIN.e + 100}\nC2;hot;2025-03-04 12:00;${ORIGIN.n + 100};${ORIGIN.e + 3000}\n`;
          const summary = await importIncidents(t.database.db, {
            municipality: '0999', bytes: bytesOf(Buffer.from(csv, 'utf8')), fileName: 'c.csv', source: 'police',
            allowRejects: false, createdBy: 'test', nowMs: Date.UTC(2025, 9, 1),
          });
          batch = summary.batch!;
        });
      });

      it('a rollback', async () => {
        await expectInvalidated(() => rollbackImportBatch(t.database.db, batch));
      });

      it('an edit of an incident', async () => {
        await expectInvalidated(() => sql`UPDATE incident SET occurred_at = '2024-06-01T12:00:00Z' WHERE municipality_code = '0999' AND id = (SELECT min(id) FROM incident WHERE category_code = 'stold')`.execute(t.database.db));
      });

      it('a district boundary change', async () => {
        await expectInvalidated(() => sql`UPDATE district SET population = population + 500 WHERE id = ${west}`.execute(t.database.db));
      });

      it('a category mapping change', async () => {
        await expectInvalidated(
          () => sql`INSERT INTO category_mapping (municipality_code, source, source_code, category_code) VALUES ('0999', 'police', '9 kap 1 §', 'ran')`.execute(t.database.db),
          false,
        );
      });

      it('but not by a write to another municipality, nor by a rolled-back transaction', async () => {
        await get(url, police);
        await createIncidents(t.database.db, '0998', [{ at: '2025-02-02T10:00:00Z' }]);
        expect((await get(url, police)).headers['x-cache']).toBe('hit');
        await t.database.db.transaction().execute(async (trx) => {
          await sql`DELETE FROM incident WHERE municipality_code = '0999'`.execute(trx);
          throw new Error('abort');
        }).catch(() => undefined);
        expect((await get(url, police)).headers['x-cache']).toBe('hit');
      });
    });
  });
}
