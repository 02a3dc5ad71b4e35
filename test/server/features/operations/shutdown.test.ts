import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../../server/config.ts';
import { openDatabase } from '../../../../server/infra/db.ts';
import { createToken } from '../../../../server/features/auth/auth.service.ts';
import { verifyArchive } from '../../../../server/features/backup/backup-archive.ts';
import { createDistrict, createMunicipality, ORIGIN } from '../../../helpers/factories.ts';
import { ensurePgliteTemplate, TEST_TMP } from '../../../helpers/test-db.ts';

const BIN = path.join(PROJECT_ROOT, 'bin', 'lagesbild.mjs');
const ENV = { ...process.env, DATABASE_URL: '', DEMO: '0', CLIENT_DIR: '/nonexistent', LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT: '60' };

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: ENV, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function startServer(dataDir: string): Promise<{ child: ChildProcess; port: number; exited: Promise<number | null>; output: () => string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dataDir], { env: ENV });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /running at http:\/\/localhost:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), exited, output: () => out });
    });
    child.stderr!.on('data', (d) => (out += d));
    void exited.then((code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

/** POSTs a multipart incident import; resolves the status (0 when the connection was cut). */
function postImport(port: number, token: string, csv: Buffer): { done: Promise<{ status: number; body: string }>; sent: Promise<void> } {
  const boundary = '----lagesbildshutdown';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="municipality"\r\n\r\n0999\r\n--${boundary}\r\nContent-Disposition: form-data; name="source"\r\n\r\npolice\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  let markSent!: () => void;
  const sent = new Promise<void>((r) => (markSent = r));
  const done = new Promise<{ status: number; body: string }>((resolve) => {
    const req = http.request({ port, method: 'POST', path: '/api/imports/incidents', headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ status: 0, body }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end(Buffer.concat([head, csv, tail]), () => markSent());
  });
  return { done, sent };
}

describe('graceful shutdown and backup of a running server (PGlite, child process)', { timeout: 600_000 }, () => {
  let dataDir: string;
  let token: string;

  beforeAll(async () => {
    dataDir = path.join(TEST_TMP, `shutdown-${process.pid}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.cpSync(await ensurePgliteTemplate(), dataDir, { recursive: true });
    fs.rmSync(path.join(dataDir, 'lagesbild.lock'), { force: true });
    const database = await openDatabase({ dataDir });
    await createMunicipality(database.db);
    await createDistrict(database.db, { municipality: '0999', name: 'Åby', x: 0, y: 0, size: 5000 });
    token = (await createToken(database.db, { role: 'admin', allMunicipalities: true })).token;
    await database.close();
  }, 600_000);
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('backs up through the running server, and SIGTERM mid-import stops cleanly with nothing half-written', async () => {
    const server = await startServer(dataDir);
    try {
      expect(fs.statSync(path.join(dataDir, 'lagesbild.server.json')).mode & 0o777).toBe(0o600);

      // The CLI cannot open the embedded database the server holds, so it asks the server.
      const file = path.join(TEST_TMP, `running-${process.pid}.lbk`);
      const backup = cli(['backup', file, '--data-dir', dataDir]);
      expect(backup.stderr).toBe('');
      expect(backup.code).toBe(0);
      expect(JSON.parse(backup.stdout)).toMatchObject({ municipalities: ['0999'] });
      expect((await verifyArchive(fs.createReadStream(file))).trailer.counts).toMatchObject({ municipality: 1, district: 1 });
      // Restoring needs the database itself: refused with exit 3 while the server runs.
      const restore = cli(['restore', file, '--data-dir', dataDir]);
      expect(restore.code).toBe(3);
      expect(restore.stderr).toMatch(/in use by another Lägesbild process/);
      fs.rmSync(file);

      const rows = Array.from({ length: 150_000 }, (_, i) => `S${i};stold;2024-06-01 10:00;${ORIGIN.n + 100 + (i % 4000)};${ORIGIN.e + 100 + (i % 3000)}`);
      const upload = postImport(server.port, token, Buffer.from(`id;kategori;tidpunkt;n;e\n${rows.join('\n')}\n`));
      await upload.sent;
      await new Promise((r) => setTimeout(r, 1500));
      const t0 = Date.now();
      server.child.kill('SIGTERM');
      const response = await upload.done;
      const code = await server.exited;
      expect(code).toBe(0);
      expect(Date.now() - t0).toBeLessThan(60_000);
      expect(response.status).toBe(503);
      expect(response.body).toMatch(/shutting.down/i);
      expect(server.output()).toMatch(/shutting down/);
      expect(server.output()).not.toContain('Hemlig');
    } finally {
      server.child.kill('SIGKILL');
    }
    // Closed cleanly: no lock, no server file, and the next open needs nothing and finds nothing half-written.
    expect(fs.existsSync(path.join(dataDir, 'lagesbild.lock'))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'lagesbild.server.json'))).toBe(false);
    const database = await openDatabase({ dataDir });
    try {
      const counts = await sql<{ i: number; b: number }>`SELECT (SELECT count(*)::int FROM incident) AS i, (SELECT count(*)::int FROM import_batch) AS b`.execute(database.db);
      expect(counts.rows[0]).toEqual({ i: 0, b: 0 });
    } finally {
      await database.close();
    }
  });

  it('exits at once (code 1) on a second SIGTERM', async () => {
    const server = await startServer(dataDir);
    try {
      const rows = Array.from({ length: 150_000 }, (_, i) => `T${i};stold;2024-06-01 10:00;${ORIGIN.n + 100 + (i % 4000)};${ORIGIN.e + 100 + (i % 3000)}`);
      const upload = postImport(server.port, token, Buffer.from(`id;kategori;tidpunkt;n;e\n${rows.join('\n')}\n`));
      await upload.sent;
      server.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(1);
      await upload.done;
    } finally {
      server.child.kill('SIGKILL');
    }
    const database = await openDatabase({ dataDir });
    try {
      const counts = await sql<{ i: number }>`SELECT count(*)::int AS i FROM incident`.execute(database.db);
      expect(counts.rows[0].i).toBe(0);
    } finally {
      await database.close();
    }
  });
});
