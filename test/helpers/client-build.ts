import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PluginOption } from 'vite';
import { PROJECT_ROOT } from '../../server/config.ts';
import { clientNeedsBuild } from '../../server/client-build.ts';

/**
 * Builds the client into dir when its sources changed since the last build there. Browser test
 * files run in parallel workers, so a lock directory lets one build while the others wait.
 */
export async function ensureClientBuild(dir: string, plugins: PluginOption[] = []): Promise<void> {
  const lock = `${dir}.lock`;
  // On a fresh checkout test/.tmp does not exist yet: without it mkdir(lock) fails forever and looks like a held lock.
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    if (!clientNeedsBuild(dir)) return;
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // Another worker builds; a lock older than five minutes is a crashed build.
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 300_000) fs.rmSync(lock, { recursive: true, force: true });
      await sleep(500);
    }
  }
  try {
    if (!clientNeedsBuild(dir)) return;
    const { build } = await import('vite');
    const building = `${dir}.building-${process.pid}`;
    await build({ configFile: path.join(PROJECT_ROOT, 'client', 'vite.config.ts'), logLevel: 'error', plugins, build: { outDir: building, emptyOutDir: true } });
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(building, dir);
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
