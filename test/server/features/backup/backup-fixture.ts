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
