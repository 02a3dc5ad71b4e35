import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup, restoreBackup } from '../../../../server/features/backup/backup.service.ts';
import { openDatabase, type Database } from '../../../../server/infra/db.ts';
import { migrateToLatest } from '../../../../server/infra/migrate.ts';
import { testBackends } from '../../../helpers/test-db.ts';
import { resign, rewriteArchive, schemaShape, seedSmall, snapshot, tmpFile } from './backup-fixture.ts';

const open = (file: string) => () => fs.createReadStream(file);

/**
 * A restore by the role that owns the database but is no superuser, as a municipality's DBA sets it
 * up (`createdb -O lagesbild`): it cannot use session_replication_role, so triggers, foreign keys
 * and indexes must be handled with what table ownership allows.
 */
describe.skipIf(!testBackends().includes('postgres'))('restore as a non-superuser database owner (postgres)', { timeout: 300_000 }, () => {
  const id = randomBytes(4).toString('hex');
  const role = `lagesbild_owner_${id}`;
  let admin: Database;
  const opened: Database[] = [];
  let archive: string;
  let before: Record<string, string[]>;

  /** A schema owned by the role, opened as the role. */
  async function ownedDatabase(name: string): Promise<Database> {
    const schema = `${name}_${id}`;
    await admin.execScript(`CREATE SCHEMA ${schema} AUTHORIZATION ${role}`);
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.username = role;
    url.password = '';
    const database = await openDatabase({ databaseUrl: url.toString(), dataDir: '', schema });
    opened.push(database);
    return database;
  }

  beforeAll(async () => {
    admin = await openDatabase({ databaseUrl: process.env.TEST_DATABASE_URL!, dataDir: '' });
    await admin.execScript(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`);
    const source = await ownedDatabase('src');
    const who = await sql<{ u: string; s: boolean }>`SELECT current_user AS u, rolsuper AS s FROM pg_roles WHERE rolname = current_user`.execute(source.db);
    expect(who.rows[0]).toEqual({ u: role, s: false });
    await migrateToLatest(source);
    await seedSmall(source.db);
    before = await snapshot(source.db);
    archive = tmpFile('owner.lbk');
    await createBackup(source, fs.createWriteStream(archive));
  }, 600_000);
  afterAll(async () => {
    for (const d of opened) await d.close().catch(() => undefined);
    await admin.execScript(`DROP OWNED BY ${role} CASCADE; DROP ROLE ${role}`).catch(() => undefined);
    await admin.close();
  });

  it('restores every row, with indexes, foreign keys and triggers as a fresh migration has them', async () => {
    const reference = await ownedDatabase('ref');
    await migrateToLatest(reference);
    const target = await ownedDatabase('dst');
    const result = await restoreBackup(target, open(archive));
    expect(result.counts.incident).toBe(28);
    expect(await snapshot(target.db)).toEqual(before);
    expect(await schemaShape(target.db)).toEqual(await schemaShape(reference.db));
    // The rollup triggers work again for the owner's next import.
    await sql`INSERT INTO incident (municipality_code, source, source_ref, category_code, occurred_at, content_hash)
              VALUES ('0999', 'police', 'after-restore', 'stold', now(), 'x')`.execute(target.db);
    const sum = await sql<{ n: number }>`SELECT sum(n)::int AS n FROM incident_day_rollup`.execute(target.db);
    expect(sum.rows[0].n).toBe(29);
  });

  it('rolls a failing restore back completely: data, indexes, foreign keys and triggers as they were', async () => {
    const target = await ownedDatabase('fail');
    await migrateToLatest(target);
    await seedSmall(target.db, '0998');
    const mine = await snapshot(target.db);
    const shape = await schemaShape(target.db);
    // A consistent checksum over inconsistent content: one rollup count off by one.
    const bad = tmpFile('owner-bad-rollup.lbk');
    rewriteArchive(archive, bad, (lines) => {
      let table = '';
      const edited = lines.map((line) => {
        if (line.startsWith('{"table"')) table = (JSON.parse(line) as { table: string }).table;
        if (table !== 'incident_day_rollup' || !line.startsWith('[')) return line;
        table = 'done';
        const row = JSON.parse(line) as string[];
        row[row.length - 1] = String(Number(row.at(-1)) + 1);
        return JSON.stringify(row);
      });
      return resign(edited);
    });
    await expect(restoreBackup(target, open(bad), { force: true })).rejects.toThrow(/rollups disagree.*incident_day_rollup/);
    expect(await snapshot(target.db)).toEqual(mine);
    expect(await schemaShape(target.db)).toEqual(shape);
  });
});
