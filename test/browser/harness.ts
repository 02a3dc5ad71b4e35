import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import type { PluginOption } from 'vite';
import { buildApp, type AppInstance } from '../../server/app.ts';
import { loadConfig, PROJECT_ROOT } from '../../server/config.ts';
import { seedDemo } from '../../server/features/demo/demo.seed.ts';
import { ensureClientBuild } from '../helpers/client-build.ts';
import type { DbKind } from '../../server/infra/db.ts';
import { createTestDatabase, TEST_TMP, type TestDatabase } from '../helpers/test-db.ts';

/** Where browser tests build the client (apart from dist/client, which `npm start` owns). */
export const TEST_CLIENT_DIR = path.join(TEST_TMP, 'client');
/** Screenshots kept for people to look at (CI keeps the folder as an artifact). */
export const ARTIFACTS_DIR = path.join(PROJECT_ROOT, 'test-artifacts');

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Launches Debian's Chromium; fails loudly when it is missing (browser tests never skip). */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath}: apt-get install chromium (see .ci/run)`);
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

export interface Harness {
  url: string;
  app: AppInstance;
  database: TestDatabase;
  browser: Browser;
  /** A new page that records console errors and page errors into `errors`. */
  newPage(): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

/**
 * A real server on a free port over a fresh PGlite (or, with `backend: 'postgres'`, a fresh schema on the
 * TEST_DATABASE_URL server) seeded with the demo municipality (fewer incidents than the full demo, same
 * structure), serving the client built by global setup.
 */
export async function startHarness(options: { incidentCount?: number; endDate?: Date; env?: Record<string, string>; client?: { dir: string; plugins: PluginOption[] }; backend?: DbKind } = {}): Promise<Harness> {
  const clientDir = options.client?.dir ?? TEST_CLIENT_DIR;
  await ensureClientBuild(clientDir, options.client?.plugins);
  const database = await createTestDatabase(options.backend ?? 'pglite');
  await seedDemo(database.db, { endDate: options.endDate ?? new Date(), incidentCount: options.incidentCount ?? 8000 });
  const config = loadConfig({ DEMO: '0', CLIENT_DIR: clientDir, PORT: '0', HOST: '127.0.0.1', ...options.env });
  const app = await buildApp({ config, database });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await launchChromium();
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return {
    url, app, database, browser,
    async newPage() {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const errors: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(e.message));
      return { page, errors };
    },
    async close() {
      await browser.close().catch(() => undefined);
      await app.close();
      await database.destroy();
    },
  };
}

/** Decodes a PNG screenshot into RGBA pixels. */
export function decodePng(buffer: Buffer): PNG {
  return PNG.sync.read(buffer);
}

/** Counts pixels within `tolerance` (per channel) of each colour. */
export function countColours(png: PNG, colours: [number, number, number][], tolerance = 6): number[] {
  const counts = colours.map(() => 0);
  for (let i = 0; i < png.data.length; i += 4) {
    const r = png.data[i], g = png.data[i + 1], b = png.data[i + 2];
    colours.forEach(([cr, cg, cb], k) => {
      if (Math.abs(r - cr) <= tolerance && Math.abs(g - cg) <= tolerance && Math.abs(b - cb) <= tolerance) counts[k]++;
    });
  }
  return counts;
}

/** Saves a screenshot under test-artifacts/. */
export function saveArtifact(name: string, png: Buffer): string {
  const file = path.join(ARTIFACTS_DIR, name);
  fs.writeFileSync(file, png);
  return file;
}
