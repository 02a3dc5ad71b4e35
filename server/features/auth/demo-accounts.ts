import type { Db } from '../../infra/db.ts';
import { ACCOUNT_ROLES, createUser, type AccountRole } from './auth.service.ts';
import { findUserByEmail } from './auth.queries.ts';

export interface DemoAccount {
  role: AccountRole;
  email: string;
  password: string;
}

/**
 * One account per role for the fictional demo municipality. The passwords are public by design (they are
 * printed at every start); the accounts exist only while a demo municipality does and are removed with it.
 */
export const DEMO_ACCOUNTS: DemoAccount[] = ACCOUNT_ROLES.map((role) => ({
  role,
  email: `${role}@demo.lagesbild.example`,
  password: `demo-${role}-lagesbild`,
}));

/**
 * Creates the missing demo accounts, limited to the demo municipality, and returns them; returns none
 * when the database has no demo municipality (DEMO=0, or a real municipality's data).
 */
export async function ensureDemoAccounts(db: Db): Promise<DemoAccount[]> {
  const demo = await db.selectFrom('municipality').select('code').where('is_demo', '=', true).orderBy('code').executeTakeFirst();
  if (!demo) return [];
  const ready: DemoAccount[] = [];
  for (const account of DEMO_ACCOUNTS) {
    const existing = await findUserByEmail(db, account.email);
    if (existing && !existing.is_demo) continue; // a real user took the address; never touch it
    if (!existing) {
      await createUser(db, { ...account, municipality: demo.code, displayName: `Demo ${account.role}`, isDemo: true });
    } else if (existing.disabled_at) {
      await db.updateTable('app_user').set({ disabled_at: null }).where('id', '=', existing.id).execute();
    }
    ready.push(account);
  }
  return ready;
}

/** The lines `npm start` prints about the demo accounts. */
export function demoAccountLines(accounts: DemoAccount[]): string[] {
  if (!accounts.length) return [];
  const width = Math.max(...accounts.map((a) => a.email.length));
  return ['Demo accounts (fictional data; sign in at the top right):', ...accounts.map((a) => `  ${a.role.padEnd(8)} ${a.email.padEnd(width)}  ${a.password}`)];
}

/** Outside demo mode the demo accounts (with their public passwords) are disabled, so they cannot sign in. */
export async function disableDemoAccounts(db: Db): Promise<void> {
  await db.updateTable('app_user').set({ disabled_at: new Date() }).where('is_demo', '=', true).where('disabled_at', 'is', null).execute();
}
