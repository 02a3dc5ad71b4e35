import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../../server/config.ts';
import { openDatabase } from '../../../../server/infra/db.ts';
import { ORIGIN } from '../../../helpers/factories.ts';
import { ensurePgliteTemplate, TEST_TMP } from '../../../helpers/test-db.ts';

const BIN = path.join(PROJECT_ROOT, 'bin', 'lagesbild.mjs');

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: '', ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const square = (x: number, y: number, s: number) => [[[ORIGIN.e + x, ORIGIN.n + y], [ORIGIN.e + x + s, ORIGIN.n + y], [ORIGIN.e + x + s, ORIGIN.n + y + s], [ORIGIN.e + x, ORIGIN.n + y + s], [ORIGIN.e + x, ORIGIN.n + y]]];

// Each command starts a process and opens the embedded database (seconds each): generous timeouts.
describe('lagesbild import commands', { timeout: 240_000 }, () => {
  let dir: string;
  let dataDir: string;
  const file = (name: string, content: string | Buffer) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, content);
    return p;
  };
  const count = async (table: 'incident' | 'import_batch') => {
    const database = await openDatabase({ dataDir });
    try {
      return (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(database.db)).rows[0].n;
    } finally {
      await database.close();
    }
  };

  beforeAll(async () => {
    dir = path.join(TEST_TMP, `imports-cli-${process.pid}`);
    dataDir = path.join(dir, 'data');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.cpSync(await ensurePgliteTemplate(), dataDir, { recursive: true });
    fs.rmSync(path.join(dataDir, 'lagesbild.lock'), { force: true });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(['municipality add', 'import districts', 'import incidents', 'import survey', 'import category-map', 'imports list', 'imports rollback'])('prints help for %s', (command) => {
    const r = cli([...command.split(' '), '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`lagesbild ${command}`);
  });

  it('adds a municipality, imports districts and incidents, printing one JSON line each', () => {
    const add = cli(['municipality', 'add', '--code', '0999', '--name', 'Testkommun', '--data-dir', dataDir]);
    expect(add.code).toBe(0);
    expect(JSON.parse(add.stdout)).toEqual({ code: '0999', name: 'Testkommun', created: true });

    const districts = file('d.geojson', JSON.stringify({
      type: 'FeatureCollection',
      crs: { type: 'name', properties: { name: 'EPSG:3006' } },
      features: [{ type: 'Feature', properties: { namn: 'Mitt' }, geometry: { type: 'Polygon', coordinates: square(0, 0, 2000) } }],
    }));
    const d = cli(['import', 'districts', districts, '--municipality', '0999', '--kind', 'stadsdel', '--data-dir', dataDir]);
    expect(d.code).toBe(0);
    expect(d.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(d.stdout)).toMatchObject({ batch: 1, accepted: 1 });

    const incidents = file('i.csv', `id;kategori;tidpunkt;n;e\nC1;stold;2024-05-01 10:00;${ORIGIN.n + 100};${ORIGIN.e + 100}\nC2;hot;2024-05-01 11:00;;\n`);
    const i = cli(['import', 'incidents', incidents, '--municipality', '0999', '--source', 'police', '--data-dir', dataDir]);
    expect(i.stderr).toBe('');
    expect(i.code).toBe(0);
    const summary = JSON.parse(i.stdout);
    expect(Object.keys(summary).slice(0, 7)).toEqual(['batch', 'accepted', 'updated', 'unchanged', 'unlocated', 'rejected', 'errors']);
    expect(summary).toMatchObject({ accepted: 2, updated: 0, unchanged: 0, unlocated: 1, rejected: 0, errors: [] });

    const again = cli(['import', 'incidents', incidents, '--municipality', '0999', '--source', 'police', '--data-dir', dataDir]);
    expect(JSON.parse(again.stdout)).toMatchObject({ accepted: 0, unchanged: 2 });
  });

  it('exits 2 with the summary on stdout and the reason on stderr when a row is rejected; --rejects writes them', async () => {
    const bad = file('bad.csv', 'id;kategori;tidpunkt\nE1;stold;2024-05-01 10:00\nE2;stold;1900-01-01\nE3;=cmd|\' /C calc\'!A0;2024-05-01 10:00\n');
    const r = cli(['import', 'incidents', bad, '--municipality', '0999', '--source', 'police', '--data-dir', dataDir]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ batch: null, rejected: 2, errors: [{ row: 2, field: 'occurred_at' }, { row: 3, field: 'category' }] });
    expect(r.stderr).toMatch(/inget sparades/);
    const rejects = path.join(dir, 'rejects.csv');
    const allowed = cli(['import', 'incidents', bad, '--municipality', '0999', '--source', 'police', '--allow-rejects', '--rejects', rejects, '--data-dir', dataDir]);
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.stdout)).toMatchObject({ accepted: 1, rejected: 2 });
    const lines = fs.readFileSync(rejects, 'utf8').replace(/^\ufeff/, '').trim().split('\r\n');
    // Swedish Excel: `;`-separated (the file is opened by double-click in a Swedish locale).
    expect(lines[0]).toBe('row;field;message');
    expect(lines[1]).toMatch(/^2;occurred_at;/);
    // The formula-looking category is quoted in the message and neutralised nowhere else: the cell never starts with =.
    expect(lines[2]).toMatch(/^3;category;/);
  });

  it('exits 2 for a missing file and for binary garbage', () => {
    expect(cli(['import', 'incidents', path.join(dir, 'nope.csv'), '--municipality', '0999', '--data-dir', dataDir]).code).toBe(2);
    const garbage = file('garbage.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 1, 2, 3, 0, 0]));
    const r = cli(['import', 'incidents', garbage, '--municipality', '0999', '--source', 'police', '--data-dir', dataDir]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).errors[0].message).toMatch(/Excel/);
  });

  it('lists batches and rolls one back', () => {
    const list = cli(['imports', 'list', '--data-dir', dataDir]);
    expect(list.code).toBe(0);
    const batches = list.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const latest = batches[0];
    expect(latest).toMatchObject({ kind: 'incidents', status: 'committed', file_name: 'bad.csv' });
    const rb = cli(['imports', 'rollback', String(latest.id), '--data-dir', dataDir]);
    expect(rb.code).toBe(0);
    expect(JSON.parse(rb.stdout)).toMatchObject({ id: latest.id, status: 'rolled_back' });
    expect(cli(['imports', 'rollback', String(latest.id), '--data-dir', dataDir]).code).toBe(2);
  });

  it('exits 3 without touching the data directory while a server holds it', () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      fs.writeFileSync(path.join(dataDir, 'lagesbild.lock'), String(holder.pid));
      const incidents = file('locked.csv', 'id;kategori;tidpunkt\nL1;stold;2024-05-01 10:00\n');
      const r = cli(['import', 'incidents', incidents, '--municipality', '0999', '--source', 'police', '--data-dir', dataDir]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/in use/);
      expect(r.stdout).toBe('');
    } finally {
      holder.kill();
      fs.rmSync(path.join(dataDir, 'lagesbild.lock'), { force: true });
    }
  });

  it('leaves nothing half-written when the import process is killed midway', async () => {
    const database = await openDatabase({ dataDir });
    await sql`INSERT INTO municipality (code, name) VALUES ('0998', 'Avbrottskommun') ON CONFLICT DO NOTHING`.execute(database.db);
    await database.close();
    const before = { incidents: await count('incident'), batches: await count('import_batch') };
    const rows: string[] = ['id;kategori;tidpunkt;n;e'];
    for (let i = 0; i < 150_000; i++) rows.push(`K${i};stold;2024-05-01 10:00;${ORIGIN.n + (i % 1900)};${ORIGIN.e + (i % 1700)}`);
    const big = file('big.csv', `${rows.join('\n')}\n`);
    const child = spawn(process.execPath, [BIN, 'import', 'incidents', big, '--municipality', '0998', '--source', 'police', '--data-dir', dataDir], {
      env: { ...process.env, DATABASE_URL: '', LAGESBILD_PROGRESS: '1' },
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Kill it once it reports rows staged inside its transaction.
    await new Promise<void>((resolve, reject) => {
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        if (/rader lästa/.test(stderr)) resolve();
      });
      child.on('exit', () => reject(new Error(`import ended before it could be killed: ${stderr}`)));
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(await count('incident')).toBe(before.incidents);
    expect(await count('import_batch')).toBe(before.batches);
    // And the database still takes a full import afterwards.
    const r = cli(['import', 'incidents', file('after.csv', 'id;kategori;tidpunkt\nAFTER1;stold;2024-05-01 10:00\n'), '--municipality', '0998', '--source', 'police', '--data-dir', dataDir]);
    expect(r.code).toBe(0);
  }, 240_000);
});
