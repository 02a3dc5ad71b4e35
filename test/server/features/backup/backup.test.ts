import fs from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveError, verifyArchive } from '../../../../server/features/backup/backup-archive.ts';
import { createBackup, restoreBackup, RestoreRefusedError } from '../../../../server/features/backup/backup.service.ts';
import { importIncidents } from '../../../../server/features/imports/incident-import.service.ts';
import { listMigrations } from '../../../../server/infra/migrate.ts';
import { ORIGIN } from '../../../helpers/factories.ts';
import { testBackends } from '../../../helpers/test-db.ts';
import { SchemaDatabases, type SchemaDatabase } from '../../../helpers/empty-db.ts';
import { resign, rewriteArchive, schemaShape, seedSmall, snapshot, tmpFile } from './backup-fixture.ts';

const LATEST = listMigrations().at(-1)!.name;
const open = (file: string) => () => fs.createReadStream(file);

async function backupTo(database: SchemaDatabase, file: string) {
  return createBackup(database, fs.createWriteStream(file));
}

async function incidentCount(database: { db: SchemaDatabase['db'] }) {
  return (await sql<{ n: number }>`SELECT count(*)::int AS n FROM incident`.execute(database.db)).rows[0].n;
}

for (const backend of testBackends()) {
  describe(`backup and restore (${backend})`, { timeout: 300_000 }, () => {
    const databases = new SchemaDatabases(backend);
    let source: SchemaDatabase;
    let archive: string;
    let before: Record<string, string[]>;

    beforeAll(async () => {
      source = await databases.migrated();
      await seedSmall(source.db);
      archive = tmpFile('small.lbk');
      before = await snapshot(source.db);
      await backupTo(source, archive);
    }, 600_000);
    afterAll(async () => {
      await source?.destroy();
      await databases.close();
    });

    it('records the schema version, municipalities and time, and verifies', async () => {
      const { header, trailer } = await verifyArchive(fs.createReadStream(archive));
      expect(header).toMatchObject({ format: 'lagesbild-backup', schema_version: LATEST, municipalities: ['0999'], backend });
      expect(header.migrations).toEqual(listMigrations().map((m) => m.name));
      expect(Date.now() - Date.parse(header.created_at)).toBeLessThan(120_000);
      expect(trailer.counts).toMatchObject({ incident: 28, district: 4, municipality: 1, app_user: 1, api_token: 1, audit_log: 1 });
      expect(trailer.counts.category).toBeGreaterThan(20);
      expect(trailer.counts).not.toHaveProperty('schema_migration');
      expect(trailer.counts).not.toHaveProperty('spatial_ref_sys');
    });

    it('restores into an empty target with every row identical, and ids continue after the restored ones', async () => {
      const target = await databases.migrated();
      try {
        const result = await restoreBackup(target, open(archive));
        expect(result).toMatchObject({ schema_version: LATEST, municipalities: ['0999'], upgraded: [] });
        expect(await snapshot(target.db)).toEqual(before);
        const maxId = (await sql<{ m: number }>`SELECT max(id)::int AS m FROM incident`.execute(target.db)).rows[0].m;
        const inserted = await sql<{ id: number }>`
          INSERT INTO incident (municipality_code, source, source_ref, category_code, occurred_at, content_hash)
          VALUES ('0999', 'police', 'after-restore', 'stold', now(), 'x') RETURNING id`.execute(target.db);
        expect(inserted.rows[0].id).toBeGreaterThan(maxId);
        // The rollup triggers are on again after the restore.
        const sum = await sql<{ n: number }>`SELECT sum(n)::int AS n FROM incident_month_rollup`.execute(target.db);
        expect(sum.rows[0].n).toBe(29);
      } finally {
        await target.destroy();
      }
    });

    it('puts back the indexes, foreign keys and enabled triggers it takes off for the load', async () => {
      const reference = await databases.migrated();
      const shape = await schemaShape(reference.db);
      await reference.destroy();
      const target = await databases.migrated();
      try {
        await restoreBackup(target, open(archive));
        expect(await schemaShape(target.db)).toEqual(shape);
        expect(shape.indexes.some((d) => d.includes('incident_geom_idx'))).toBe(true);
        expect(shape.triggers.some((d) => d.includes('incident_day_rollup_insert O'))).toBe(true);
      } finally {
        await target.destroy();
      }
    });

    it('rolls back a restore whose rollups disagree with its incidents: data, indexes, keys and triggers as they were', async () => {
      const target = await databases.migrated();
      try {
        await seedSmall(target.db, '0998');
        const mine = await snapshot(target.db);
        const shape = await schemaShape(target.db);
        // A forged archive: checksum and counts fit, one monthly rollup count is one too high.
        const forged = tmpFile('forged-rollup.lbk');
        rewriteArchive(archive, forged, (lines) => {
          let table = '';
          let edited = false;
          return resign(lines.map((line) => {
            if (line.startsWith('{"table"')) table = (JSON.parse(line) as { table: string }).table;
            if (edited || table !== 'incident_month_rollup' || !line.startsWith('[')) return line;
            edited = true;
            const row = JSON.parse(line) as string[];
            row[row.length - 1] = String(Number(row.at(-1)) + 1);
            return JSON.stringify(row);
          }));
        });
        await expect(restoreBackup(target, open(forged), { force: true })).rejects.toThrow(/rollups disagree with the incidents \(incident_month_rollup/);
        expect(await snapshot(target.db)).toEqual(mine);
        expect(await schemaShape(target.db)).toEqual(shape);
      } finally {
        await target.destroy();
      }
    });

    it('fails on a value its column type rejects with the database\'s error, the target untouched', async () => {
      const target = await databases.migrated();
      try {
        await seedSmall(target.db, '0998');
        const mine = await snapshot(target.db);
        const shape = await schemaShape(target.db);
        // Well-formed JSON with a fitting checksum, but no timestamp: only COPY itself can refuse it.
        const forged = tmpFile('forged-value.lbk');
        rewriteArchive(archive, forged, (lines) => {
          let columns: string[] = [];
          let edited = false;
          return resign(lines.map((line) => {
            if (line.startsWith('{"table"')) {
              const t = JSON.parse(line) as { table: string; columns: string[] };
              columns = t.table === 'incident' ? t.columns : [];
            }
            if (edited || !columns.length || !line.startsWith('[')) return line;
            edited = true;
            const row = JSON.parse(line) as string[];
            row[columns.indexOf('occurred_at')] = 'inte-en-tidpunkt';
            return JSON.stringify(row);
          }));
        });
        await expect(restoreBackup(target, open(forged), { force: true })).rejects.toThrow(/invalid input syntax for type timestamp with time zone: "inte-en-tidpunkt"/);
        expect(await snapshot(target.db)).toEqual(mine);
        expect(await schemaShape(target.db)).toEqual(shape);
      } finally {
        await target.destroy();
      }
    });

    it('refuses a non-empty target without --force, leaving it untouched, and replaces it with --force', async () => {
      const target = await databases.migrated();
      try {
        await seedSmall(target.db, '0998');
        const mine = await snapshot(target.db);
        await expect(restoreBackup(target, open(archive))).rejects.toThrow(RestoreRefusedError);
        await expect(restoreBackup(target, open(archive))).rejects.toThrow(/already holds data.*--force/);
        expect(await snapshot(target.db)).toEqual(mine);
        await restoreBackup(target, open(archive), { force: true });
        expect(await snapshot(target.db)).toEqual(before);
      } finally {
        await target.destroy();
      }
    });

    it('refuses truncated, tampered, foreign and newer archives with a clear error, the target untouched', async () => {
      const target = await databases.migrated();
      try {
        const empty = await snapshot(target.db);
        const bytes = fs.readFileSync(archive);
        const truncated = tmpFile('truncated.lbk');
        fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
        await expect(restoreBackup(target, open(truncated))).rejects.toThrow(/truncated|damaged/);

        const cut = tmpFile('cut.lbk');
        rewriteArchive(archive, cut, (lines) => lines.slice(0, -3));
        await expect(restoreBackup(target, open(cut))).rejects.toThrow(ArchiveError);
        await expect(restoreBackup(target, open(cut))).rejects.toThrow(/end marker is missing/);

        const tampered = tmpFile('tampered.lbk');
        rewriteArchive(archive, tampered, (lines) => lines.map((l) => l.replace('"stold"', '"hot"')));
        await expect(restoreBackup(target, open(tampered))).rejects.toThrow(/altered or damaged: its checksum/);

        const dropped = tmpFile('dropped.lbk');
        let removed = false;
        rewriteArchive(archive, dropped, (lines) => lines.filter((l) => removed || !l.includes('"stold"') || !(removed = true)));
        await expect(restoreBackup(target, open(dropped))).rejects.toThrow(ArchiveError);

        const foreign = tmpFile('foreign.lbk');
        fs.writeFileSync(foreign, Buffer.from('id;kategori\n1;stold\n'));
        await expect(restoreBackup(target, open(foreign))).rejects.toThrow(ArchiveError);

        const newer = tmpFile('newer.lbk');
        rewriteArchive(archive, newer, (lines) => {
          const header = JSON.parse(lines[0]);
          header.migrations.push('9999_future');
          header.schema_version = '9999_future';
          return [JSON.stringify(header), ...lines.slice(1)];
        });
        // The header edit breaks the checksum: refused either way, but say "newer" when the hash fits.
        await expect(restoreBackup(target, open(newer))).rejects.toThrow(ArchiveError);
        const { createHash } = await import('node:crypto');
        rewriteArchive(newer, newer, (lines) => {
          const trailer = JSON.parse(lines.at(-1)!);
          trailer.sha256 = createHash('sha256').update(lines.slice(0, -1).map((l) => `${l}\n`).join('')).digest('hex');
          return [...lines.slice(0, -1), JSON.stringify(trailer)];
        });
        await expect(restoreBackup(target, open(newer))).rejects.toThrow(RestoreRefusedError);
        await expect(restoreBackup(target, open(newer))).rejects.toThrow(/newer version of Lägesbild.*9999_future/);

        expect(await snapshot(target.db)).toEqual(empty);
      } finally {
        await target.destroy();
      }
    });

    it('takes a consistent backup while an import runs, which restores to equal counts', async () => {
      const db = await databases.migrated();
      try {
        await seedSmall(db.db);
        const rows = 9000;
        let progressed!: () => void;
        const started = new Promise<void>((resolve) => (progressed = resolve));
        async function* slowCsv() {
          yield Buffer.from('id;kategori;tidpunkt;n;e\n');
          for (let i = 0; i < rows; i += 500) {
            const lines = Array.from({ length: 500 }, (_, k) => `IMP${i + k};stold;2024-06-01 10:00;${ORIGIN.n + 100 + ((i + k) % 1500)};${ORIGIN.e + 100 + ((i + k) % 1700)}\n`);
            yield Buffer.from(lines.join(''));
            await new Promise((r) => setTimeout(r, 5));
          }
        }
        const importing = importIncidents(db.db, {
          municipality: '0999', bytes: slowCsv(), fileName: 'big.csv', source: 'police', allowRejects: false, createdBy: 'test',
          nowMs: Date.UTC(2024, 10, 20), onProgress: () => progressed(),
        });
        await started;
        const file = tmpFile('during-import.lbk');
        const { counts } = await backupTo(db, file);
        const summary = await importing;
        expect(summary).toMatchObject({ accepted: rows, written: true });
        // A snapshot sees the import wholly or not at all (PGlite serialises: after; PostgreSQL: before).
        expect([28, 28 + rows]).toContain(counts.incident);
        expect(counts.import_batch).toBe(counts.incident === 28 ? 0 : 1);

        const target = await databases.migrated();
        try {
          await restoreBackup(target, open(file));
          expect(await incidentCount(target)).toBe(counts.incident);
          const byTable = await sql<{ n: number }>`SELECT count(*)::int AS n FROM import_batch`.execute(target.db);
          expect(byTable.rows[0].n).toBe(counts.import_batch);
        } finally {
          await target.destroy();
        }
      } finally {
        await db.destroy();
      }
    });

    it('restores an archive of an earlier schema level into an empty database and upgrades it', async () => {
      {
        const old = await databases.empty();
        const { migrateToLatest } = await import('../../../../server/infra/migrate.ts');
        await migrateToLatest(old, undefined, '0003_imports');
        await old.execScript(`
          INSERT INTO municipality (code, name) VALUES ('0999', 'Testkommun');
          INSERT INTO incident (municipality_code, source, source_ref, category_code, occurred_at, content_hash)
            SELECT '0999', 'police', 'r' || g, 'stold', timestamptz '2025-03-01 12:00+01' + g * interval '5 hours', 'h' || g
              FROM generate_series(1, 30) g;`);
        const file = tmpFile('level3.lbk');
        await createBackup(old, fs.createWriteStream(file));
        await old.destroy();
        const { header } = await verifyArchive(fs.createReadStream(file));
        expect(header.schema_version).toBe('0003_imports');

        const fresh = await databases.empty();
        try {
          const result = await restoreBackup(fresh, open(file));
          expect(result.upgraded).toEqual(listMigrations().map((m) => m.name).filter((m) => m > '0003_imports'));
          expect(await incidentCount(fresh)).toBe(30);
          const sum = await sql<{ n: number }>`SELECT sum(n)::int AS n FROM incident_how_rollup`.execute(fresh.db);
          expect(sum.rows[0].n).toBe(30);
          // A target already at a newer schema than the archive cannot take it.
          const latest = await databases.migrated();
          try {
            await expect(restoreBackup(latest, open(file))).rejects.toThrow(/newer than the backup/);
          } finally {
            await latest.destroy();
          }
        } finally {
          await fresh.destroy();
        }
      }
    });
  });
}
