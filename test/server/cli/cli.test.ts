import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../server/config.ts';
import { ensurePgliteTemplate, TEST_TMP } from '../../helpers/test-db.ts';

const BIN = path.join(PROJECT_ROOT, 'bin', 'lagesbild.mjs');

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: '', ...env }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('lagesbild CLI', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = path.join(TEST_TMP, `cli-${process.pid}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.cpSync(await ensurePgliteTemplate(), dataDir, { recursive: true });
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('lists its commands with --help and exits 0', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/serve/);
    expect(r.stdout).toMatch(/migrate/);
  });

  it('prints a command’s help', () => {
    const r = cli(['demo', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--reset');
  });

  it('rejects an unknown command on stderr with exit 64', () => {
    const r = cli(['frobnicate']);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('unknown command');
    expect(r.stdout).toBe('');
  });

  it('rejects an unknown flag with exit 64', () => {
    const r = cli(['migrate', '--no-such-flag']);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/no-such-flag/);
  });

  it('rejects invalid configuration with exit 2', () => {
    const r = cli(['migrate', '--data-dir', dataDir], { PORT: 'eighty' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('PORT');
  });

  it('migrates an up-to-date database and reports nothing applied', () => {
    const r = cli(['migrate', '--data-dir', dataDir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ applied: [] });
  });

  it('refuses, with exit 3 and a plain message, a data directory another live process holds', async () => {
    // A stand-in for a running server: a live process whose pid is in the lock file.
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      fs.writeFileSync(path.join(dataDir, 'lagesbild.lock'), String(holder.pid));
      const before = fs.readdirSync(dataDir).sort();
      const r = cli(['migrate', '--data-dir', dataDir]);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('in use by another Lägesbild process');
      expect(r.stderr).toContain(String(holder.pid));
      expect(fs.readdirSync(dataDir).sort()).toEqual(before);
      expect(fs.readFileSync(path.join(dataDir, 'lagesbild.lock'), 'utf8')).toBe(String(holder.pid));
    } finally {
      holder.kill();
      fs.rmSync(path.join(dataDir, 'lagesbild.lock'), { force: true });
    }
  });

  it('takes over a lock left by a process that has died', () => {
    fs.writeFileSync(path.join(dataDir, 'lagesbild.lock'), '999999');
    const r = cli(['migrate', '--data-dir', dataDir]);
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'lagesbild.lock'))).toBe(false);
  });
});
