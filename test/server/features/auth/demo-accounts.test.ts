import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../../../../server/features/auth/auth.service.ts';
import { demoAccountLines, disableDemoAccounts, ensureDemoAccounts } from '../../../../server/features/auth/demo-accounts.ts';
import { createTestDatabase, type TestDatabase } from '../../../helpers/test-db.ts';

describe('demo accounts', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
  });
  afterAll(async () => database?.destroy());

  it('creates none without a demo municipality (DEMO=0 on a fresh database)', async () => {
    expect(await ensureDemoAccounts(database.db)).toEqual([]);
    expect((await database.db.selectFrom('app_user').select('id').execute()).length).toBe(0);
  });

  it('creates one account per signed-in role for the demo municipality, each able to sign in', async () => {
    await database.db.insertInto('municipality').values({ code: '0001', name: 'Demoköping', is_demo: true }).execute();
    const accounts = await ensureDemoAccounts(database.db);
    expect(accounts.map((a) => a.role)).toEqual(['council', 'planner', 'analyst', 'police', 'admin']);
    for (const a of accounts) {
      const r = await signIn(database.db, a.email, a.password);
      expect(r.ok && r.viewer.role).toBe(a.role);
      expect(r.ok && r.viewer.municipalityCodes).toEqual(['0001']);
    }
    expect(demoAccountLines(accounts).join('\n')).toContain('police@demo.lagesbild.example');
  });

  it('is idempotent', async () => {
    await ensureDemoAccounts(database.db);
    expect((await database.db.selectFrom('app_user').select('id').execute()).length).toBe(5);
  });

  it('disables the demo accounts when the server starts without demo mode', async () => {
    await disableDemoAccounts(database.db);
    const r = await signIn(database.db, 'police@demo.lagesbild.example', 'demo-police-lagesbild');
    expect(r.ok).toBe(false);
    await ensureDemoAccounts(database.db);
    expect((await signIn(database.db, 'police@demo.lagesbild.example', 'demo-police-lagesbild')).ok).toBe(true);
  });
});
