import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../server/config.ts';
import type { BenchResult } from './lib.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts `lagesbild serve` and resolves with the ms until it prints its URL; then stops it. */
async function timeStart(dataDir: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'lagesbild.mjs'), 'serve'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ms = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 120 s:\n${output}`)), 120_000);
    child.stdout.on('data', (d) => {
      output += d;
      if (output.includes('running at')) {
        clearTimeout(timer);
        resolve(performance.now() - started);
      }
    });
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => reject(new Error(`server exited ${code}:\n${output}`)));
  });
  const health = await fetch(`http://127.0.0.1:${port}/api/health`);
  if (!health.ok) throw new Error('health check failed after start');
  child.removeAllListeners('exit');
  await new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); });
  return ms;
}

/** First `npm start` on an empty data directory (client build included) and restarts on it. */
export default async function run(): Promise<BenchResult[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lagesbild-bench-start-'));
  // A first start on a fresh machine also builds the client.
  fs.rmSync(path.join(PROJECT_ROOT, 'dist', 'client'), { recursive: true, force: true });
  const first = await timeStart(dataDir);
  const restarts: number[] = [];
  for (let i = 0; i < 3; i++) restarts.push(await timeStart(dataDir));
  fs.rmSync(dataDir, { recursive: true, force: true });
  return [
    { name: 'first start, empty DATA_DIR (build, migrate, seed demo)', backend: 'pglite', samplesMs: [first], budgetMs: 60_000 },
    { name: 'restart on the same DATA_DIR', backend: 'pglite', samplesMs: restarts, budgetMs: 10_000 },
  ];
}
