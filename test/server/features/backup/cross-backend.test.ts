import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../../server/app.ts';
import { loadConfig } from '../../../../server/config.ts';
import { createToken } from '../../../../server/features/auth/auth.service.ts';
import { createBackup, restoreBackup } from '../../../../server/features/backup/backup.service.ts';
import { createTestDatabase, testBackends, type TestDatabase } from '../../../helpers/test-db.ts';
import { seedSmall, snapshot, tmpFile } from './backup-fixture.ts';

const STATS = [
  '/api/stats/districts?municipality=0999&from=2025-01-01&to=2025-06-01',
  '/api/stats/districts?municipality=0999&from=2025-01-01&to=2025-06-01&level=kommundel',
  '/api/stats/districts?municipality=0999&from=2025-01-01&to=2025-06-01&category=stold,hot&compare=year',
];

async function answers(database: TestDatabase, role: 'police' | 'council') {
  const app = await buildApp({ config: loadConfig({ DEMO: '0', CLIENT_DIR: '/nonexistent' }), database });
  try {
    const headers = { authorization: `Bearer ${(await createToken(database.db, { role, allMunicipalities: true })).token}` };
    const out: unknown[] = [];
    for (const url of STATS) {
      const res = await app.inject({ method: 'GET', url, headers });
      expect(res.statusCode, res.body).toBe(200);
      out.push(res.json());
    }
    return out;
  } finally {
    await app.close();
  }
}

// The migration path when a municipality outgrows the embedded database (docs/operations.md).
describe.runIf(testBackends().includes('postgres'))('a PGlite backup restored onto PostgreSQL', { timeout: 600_000 }, () => {
  it('holds the same rows and gives the same statistics answers', async () => {
    const pglite = await createTestDatabase('pglite');
    const postgres = await createTestDatabase('postgres');
    try {
      await seedSmall(pglite.db);
      const file = tmpFile('pglite-to-pg.lbk');
      const { header } = await createBackup(pglite, fs.createWriteStream(file));
      expect(header.backend).toBe('pglite');
      const before = await snapshot(pglite.db);
      const result = await restoreBackup(postgres, () => fs.createReadStream(file));
      expect(result.upgraded).toEqual([]);
      expect(await snapshot(postgres.db)).toEqual(before);
      for (const role of ['police', 'council'] as const) {
        expect(await answers(postgres, role)).toEqual(await answers(pglite, role));
      }
    } finally {
      await pglite.destroy();
      await postgres.destroy();
    }
  });
});
