import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../server/config.ts';
import { clientNeedsBuild } from '../../server/client-build.ts';

/** Builds the client into dir when its sources changed since the last build there. */
export async function ensureClientBuild(dir: string): Promise<void> {
  if (!clientNeedsBuild(dir)) return;
  const { build } = await import('vite');
  const building = `${dir}.building-${process.pid}`;
  await build({ configFile: path.join(PROJECT_ROOT, 'client', 'vite.config.ts'), logLevel: 'error', build: { outDir: building, emptyOutDir: true } });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(building, dir);
}
