import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../../server/config.ts';
import { signIn, viewerOfToken } from '../../../../server/features/auth/auth.service.ts';
import { openDatabase } from '../../../../server/infra/db.ts';
import { ensurePgliteTemplate, TEST_TMP } from '../../../helpers/test-db.ts';

const BIN = path.join(PROJECT_ROOT, 'bin', 'lagesbild.mjs');

describe('lagesbild user add / token create', () => {
  let dataDir: string;
  const cli = (args: string[], input?: string) => {
    const r = spawnSync(process.execPath, [BIN, ...args], {
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir }, encoding: 'utf8', timeout: 300_000, input,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const withDb = async <T>(fn: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<T>) => {
    const database = await openDatabase({ dataDir });
    try {
      return await fn(database.db);
    } finally {
      await database.close();
    }
  };

  beforeAll(async () => {
    dataDir = path.join(TEST_TMP, `auth-cli-${process.pid}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.cpSync(await ensurePgliteTemplate(), dataDir, { recursive: true });
    fs.rmSync(path.join(dataDir, 'lagesbild.lock'), { force: true });
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('adds users (generated and stdin passwords) and creates a token that works, printed alone', async () => {
    const generated = cli(['user', 'add', '--email', 'Planner@Example.se', '--role', 'planner', '--all-municipalities']);
    expect(generated.code, generated.stderr).toBe(0);
    const password = /password: (\S+)/.exec(generated.stdout)![1];
    expect(password.length).toBeGreaterThanOrEqual(20);

    const stdin = cli(['user', 'add', '--email', 'police@example.se', '--role', 'police', '--all-municipalities', '--password-stdin'], 'a very long police password\n');
    expect(stdin.code, stdin.stderr).toBe(0);
    expect(stdin.stdout).not.toContain('password');

    const token = cli(['token', 'create', '--role', 'analyst', '--name', 'QGIS', '--all-municipalities']);
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout).toMatch(/^lbt_[A-Za-z0-9_-]{43}\n$/);

    const duplicate = cli(['user', 'add', '--email', 'planner@example.se', '--role', 'planner', '--all-municipalities']);
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toContain('already exists');

    // No default to every municipality: the binding must be given, and must exist.
    const unbound = cli(['user', 'add', '--email', 'unbound@example.se', '--role', 'council']);
    expect(unbound.code).toBe(64);
    expect(unbound.stderr).toContain('--municipality CODE is required');

    const badRole = cli(['token', 'create', '--role', 'superuser']);
    expect(badRole.code).toBe(64);
    expect(badRole.stderr).toContain('--role must be one of');

    const shortPassword = cli(['user', 'add', '--email', 'x@example.se', '--role', 'council', '--all-municipalities', '--password-stdin'], 'short\n');
    expect(shortPassword.code).toBe(2);

    await withDb(async (db) => {
      expect((await signIn(db, 'planner@example.se', password)).ok).toBe(true);
      expect((await signIn(db, 'police@example.se', 'a very long police password')).ok).toBe(true);
      expect((await viewerOfToken(db, token.stdout.trim()))?.role).toBe('analyst');
    });
  }, 900_000);
});
