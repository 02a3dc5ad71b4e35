import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { createToken } from '../server/features/auth/auth.service.ts';
import { createBackup, restoreBackup } from '../server/features/backup/backup.service.ts';
import type { DbKind } from '../server/infra/db.ts';
import { createTestDatabase } from '../test/helpers/test-db.ts';
import { generateMunicipality } from './generate-municipality.ts';
import { benchServerUrl, sample, type BenchResult } from './lib.ts';

/**
 * Backup and restore of a generated municipality, and GET /metrics. BACKUP_BENCH_INCIDENTS sets the
 * size (default 50,000 so a run takes a minute; the budgets of 60 s backup and 120 s restore are
 * for 1,000,000 and are scaled to the size used).
 */
/**
 * This process's CPU time since `since`: on a shared machine the wall time above includes waiting
 * for a core, so the CPU time says what the work itself cost. PGlite runs in this process (all of
 * its work is here); on PostgreSQL the server's own work is not counted.
 */
function cpuNote(since: NodeJS.CpuUsage, backend: DbKind): string {
  const used = process.cpuUsage(since);
  return `${((used.user + used.system) / 1e6).toFixed(1)} s CPU in this process${backend === 'postgres' ? ' (server not counted)' : ''}`;
}

export default async function run(): Promise<BenchResult[]> {
  const count = Number(process.env.BACKUP_BENCH_INCIDENTS ?? 50_000);
  const scale = count / 1_000_000;
  const results: BenchResult[] = [];
  const backends: DbKind[] = benchServerUrl() ? ['pglite', 'postgres'] : ['pglite'];
  if (benchServerUrl()) process.env.TEST_DATABASE_URL = benchServerUrl();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lagesbild-bench-backup-'));
  try {
    for (const backend of backends) {
      const source = await createTestDatabase(backend);
      await generateMunicipality(source.db, { count });
      const file = path.join(dir, `${backend}.lbk`);
      let t = performance.now();
      let cpu = process.cpuUsage();
      const { counts } = await createBackup(source, fs.createWriteStream(file));
      const backupMs = performance.now() - t;
      const note = `${count.toLocaleString('en')} incidents, ${Object.values(counts).reduce((a, b) => a + b, 0).toLocaleString('en')} rows, ${(fs.statSync(file).size / 1e6).toFixed(1)} MB`;
      results.push({ name: `backup (${note})`, backend, samplesMs: [backupMs], budgetMs: Math.round(60_000 * scale), note: `budget scaled from 60 s per 1M; ${cpuNote(cpu, backend)}` });

      const target = await createTestDatabase(backend);
      t = performance.now();
      cpu = process.cpuUsage();
      await restoreBackup(target, () => fs.createReadStream(file), { log: (line) => process.stdout.write(`  [${backend} restore ${((performance.now() - t) / 1000).toFixed(1)} s] ${line.trim()}\n`) });
      results.push({ name: `restore (verify, write, check rollups)`, backend, samplesMs: [performance.now() - t], budgetMs: Math.round(120_000 * scale), note: `budget scaled from 120 s per 1M; ${cpuNote(cpu, backend)}` });
      await target.destroy();

      const app = await buildApp({ config: loadConfig({ DEMO: '0', CLIENT_DIR: '/nonexistent' }), database: source });
      const headers = { authorization: `Bearer ${(await createToken(source.db, { role: 'admin', allMunicipalities: true })).token}` };
      for (let i = 0; i < 200; i++) await app.inject({ method: 'GET', url: `/api/health?i=${i}` });
      results.push({
        name: 'GET /metrics (admin token)',
        backend,
        samplesMs: await sample(async () => {
          const res = await app.inject({ method: 'GET', url: '/metrics', headers });
          if (res.statusCode !== 200) throw new Error(`/metrics: ${res.statusCode}`);
        }, 50),
        budgetMs: 50,
      });
      await app.close();
      await source.destroy();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
