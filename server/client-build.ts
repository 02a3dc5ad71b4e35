import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './config.ts';

const SOURCES = ['client', 'shared', 'package.json'].map((p) => path.join(PROJECT_ROOT, p));

function newestMtime(target: string): number {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

/** Whether dist/client is missing or older than the client sources. */
export function clientNeedsBuild(clientDir: string): boolean {
  const built = fs.statSync(path.join(clientDir, 'index.html'), { throwIfNoEntry: false });
  if (!built) return true;
  return Math.max(...SOURCES.map(newestMtime)) > built.mtimeMs;
}

/** Builds the client with Vite into clientDir (only the default location is rebuilt; a custom CLIENT_DIR is used as is). */
export async function buildClientIfNeeded(clientDir: string, log: (line: string) => void): Promise<void> {
  if (path.resolve(clientDir) !== path.join(PROJECT_ROOT, 'dist', 'client') || !clientNeedsBuild(clientDir)) return;
  log('Building the web client (first start or changed sources)…');
  const { build } = await import('vite');
  await build({ configFile: path.join(PROJECT_ROOT, 'client', 'vite.config.ts'), logLevel: 'warn' });
}
