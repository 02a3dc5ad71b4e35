import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { sql } from 'kysely';
import type { Db } from '../../../../server/infra/db.ts';
import { createToken, createUser } from '../../../../server/features/auth/auth.service.ts';
import { createDistrict, createIncidents, createMunicipality, times } from '../../../helpers/factories.ts';
import { TEST_TMP } from '../../../helpers/test-db.ts';
import { listApplicationTables, ident } from '../../../../server/features/backup/backup.queries.ts';

/** Small but varied data: nested districts, located and unlocated incidents, free text, accounts, audit. */
export async function seedSmall(db: Db, code = '0999') {
  const m = await createMunicipality(db, code);
  const parent = await createDistrict(db, { municipality: m, name: 'Norra kommundelen', kind: 'kommundel', population: 9000, x: 0, y: 0, size: 4000 });
  const a = await createDistrict(db, { municipality: m, name: 'Åby', parentId: parent, population: 4000, x: 0, y: 0, size: 2000 });
  await createDistrict(db, { municipality: m, name: 'Öster "citat"', parentId: parent, population: 5000, x: 2000, y: 0, size: 2000 });
  // A parent inserted after its child: ids point forward, which the restore must accept.
  const late = await createDistrict(db, { municipality: m, name: 'Sen förälder', kind: 'kommundel', x: 10_000, y: 0, size: 1000 });
  await sql`UPDATE district SET parent_id = ${late} WHERE id = ${a}`.execute(db);
  await createIncidents(db, m, [
    ...times(12, { category: 'stold', at: '2025-02-03T10:00:00Z', x: 500, y: 500 }),
    ...times(7, { category: 'hot', at: '2025-03-10T22:30:00Z', x: 2500, y: 800 }),
    ...times(3, { category: 'skadegorelse', at: '2025-04-01T01:00:00Z' }),
    ...times(6, { category: 'misshandel', at: '2025-01-15T18:00:00Z', x: 3000, y: 3000 }),
  ]);
  await sql`UPDATE incident SET place = 'Storgatan 1, vid kiosken', description = 'Beskrivning med ''citat'', radbrytning\noch tabb\t och emoji 🚲'
             WHERE id IN (SELECT id FROM incident ORDER BY id LIMIT 3)`.execute(db);
  const user = await createUser(db, { email: 'admin@test.example', password: 'correct horse battery staple', role: 'admin', allMunicipalities: true });
  await createToken(db, { role: 'police', name: 'polis', municipality: m });
  await db.insertInto('audit_log').values({ user_id: user.id, role: 'admin', action: 'read', route: '/api/x', filters: JSON.stringify({ q: [1, 'två'] }) }).execute();
  return { municipality: m, incidents: 28 };
}

/** Every application table's rows, as the database renders them, for exact comparisons. */
export async function snapshot(db: Db): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of await listApplicationTables(db)) {
    const cols = t.columns.map((c) => `${ident(c.name)}::text`).join(', ');
    const rows = await sql.raw<{ r: string }>(`SELECT json_build_array(${cols})::text AS r FROM ${ident(t.name)}`).execute(db);
    out[t.name] = rows.rows.map((r) => r.r).sort();
  }
  return out;
}

let counter = 0;
export function tmpFile(name: string): string {
  fs.mkdirSync(TEST_TMP, { recursive: true });
  return path.join(TEST_TMP, `${process.pid}-${++counter}-${name}`);
}

/** Rewrites an archive's uncompressed lines (for tampering tests). */
export function rewriteArchive(from: string, to: string, edit: (lines: string[]) => string[]) {
  const lines = zlib.gunzipSync(fs.readFileSync(from)).toString('utf8').replace(/\n$/, '').split('\n');
  fs.writeFileSync(to, zlib.gzipSync(`${edit(lines).join('\n')}\n`));
}

/** Replaces the trailer's checksum with the one of the edited lines: a forged archive that verifies. */
export function resign(lines: string[]): string[] {
  const trailer = JSON.parse(lines.at(-1)!) as { sha256: string };
  trailer.sha256 = createHash('sha256').update(lines.slice(0, -1).map((l) => `${l}\n`).join('')).digest('hex');
  return [...lines.slice(0, -1), JSON.stringify(trailer)];
}

/**
 * The current schema's indexes, constraints and (non-internal) triggers with their enabled state,
 * schema names taken out: what a restore drops, disables and must put back exactly.
 */
export async function schemaShape(db: Db): Promise<{ indexes: string[]; constraints: string[]; triggers: string[] }> {
  const indexes = await sql<{ d: string }>`
    SELECT c.relname || ' ' || ic.relname || ' ' || regexp_replace(pg_get_indexdef(i.indexrelid), ' ON [^ ]+[.]', ' ON ') AS d
      FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema()`.execute(db);
  const constraints = await sql<{ d: string }>`
    SELECT c.relname || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid) || ' validated=' || k.convalidated AS d
      FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema()`.execute(db);
  const triggers = await sql<{ d: string }>`
    SELECT c.relname || ' ' || t.tgname || ' ' || t.tgenabled::text AS d
      FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND NOT t.tgisinternal`.execute(db);
  const sorted = (r: { rows: { d: string }[] }) => r.rows.map((x) => x.d).sort();
  return { indexes: sorted(indexes), constraints: sorted(constraints), triggers: sorted(triggers) };
}
