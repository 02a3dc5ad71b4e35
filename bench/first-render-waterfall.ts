import fs from 'node:fs';
import path from 'node:path';
import type { Browser, CDPSession } from 'playwright-core';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { seedDemo } from '../server/features/demo/demo.seed.ts';
import { launchChromium, TEST_CLIENT_DIR } from '../test/browser/harness.ts';
import { ensureClientBuild } from '../test/helpers/client-build.ts';
import { createTestDatabase } from '../test/helpers/test-db.ts';

/**
 * Diagnostic, not a budget: `npx tsx bench/first-render-waterfall.ts [runs]` opens the demo map (40,000 incidents
 * on PGlite) as bench/client.bench.ts does and prints where the time to the first district frame goes — the
 * browser's resource timing of every request (start, time to first byte, end, bytes), the server's own time per
 * request, the client's performance marks, long main-thread tasks and the main thread's CPU profile by script.
 * Offsets are relative to navigation start, so they hold on a loaded machine better than one wall-clock total.
 * With FIRST_RENDER_PROFILE=path a CPU profile (.cpuprofile, for Chromium's DevTools) is written too.
 */

interface ServerLine { route: string; status: number; endMs: number; durationMs: number }

type Frames = { __lagesbildFrames?: number };

interface RunResult { totalMs: number; longTaskMs: number; cpu: Record<string, number>; mark(name: string): number }

/**
 * CPU time (ms) used so far by this process's Chromium descendants, by kind (gpu-process, renderer, browser…), from
 * /proc. Unlike wall time it hardly depends on how busy the machine is, so it compares variants on a shared host.
 */
function chromiumCpuMs(): Record<string, number> {
  const tick = 10; // USER_HZ is 100 on Linux
  const procs = new Map<number, { ppid: number; cpu: number; kind: string }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const kind = /--type=([\w-]+)/.exec(cmdline)?.[1] ?? (cmdline.includes('chromium') ? 'browser' : 'other');
      procs.set(Number(entry), { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) * tick, kind });
    } catch { /* the process ended meanwhile */ }
  }
  const mine = (pid: number): boolean => { for (let p = pid, i = 0; p > 1 && i < 20; i++) { if (p === process.pid) return true; p = procs.get(p)?.ppid ?? 0; } return false; };
  const out: Record<string, number> = {};
  for (const [pid, p] of procs) if (pid !== process.pid && mine(pid) && p.kind !== 'other') out[p.kind] = (out[p.kind] ?? 0) + p.cpu;
  return out;
}

async function run(browser: Browser, url: string, server: ServerLine[], profileFile?: string, quiet = false): Promise<RunResult> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  let cdp: CDPSession | null = null;
  if (profileFile) {
    cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    await cdp.send('Profiler.start');
  }
  await page.addInitScript(() => {
    const tasks: { start: number; duration: number }[] = [];
    (globalThis as { __longTasks?: typeof tasks }).__longTasks = tasks;
    try {
      new PerformanceObserver((list) => { for (const e of list.getEntries()) tasks.push({ start: e.startTime, duration: e.duration }); }).observe({ type: 'longtask', buffered: true });
    } catch { /* no longtask support */ }
  });
  const traceFile = profileFile ? process.env.FIRST_RENDER_TRACE : undefined;
  if (traceFile) await browser.startTracing(page, { categories: (process.env.FIRST_RENDER_TRACE_CATEGORIES ?? 'devtools.timeline,disabled-by-default-devtools.timeline,gpu,blink,v8,toplevel').split(',') });
  server.length = 0;
  const cpu0 = chromiumCpuMs();
  const node0 = process.cpuUsage();
  const serverT0 = Date.now();
  const t0 = performance.now();
  await page.goto(url);
  const gotoMs = performance.now() - t0;
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  await page.waitForFunction(() => ((globalThis as Frames).__lagesbildFrames ?? 0) > 0 && document.body.dataset.pending === '0', null, { timeout: 60_000, polling: 16 });
  const totalMs = performance.now() - t0;
  const cpu1 = chromiumCpuMs();
  const nodeCpu = process.cpuUsage(node0);
  const cpu: Record<string, number> = { server: (nodeCpu.user + nodeCpu.system) / 1000 };
  for (const [kind, ms] of Object.entries(cpu1)) cpu[kind] = ms - (cpu0[kind] ?? 0);
  const inPage = await page.evaluate(`(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      timeOrigin: performance.timeOrigin,
      nav: { requestStart: nav.requestStart, responseStart: nav.responseStart, responseEnd: nav.responseEnd, domInteractive: nav.domInteractive, domContentLoaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd },
      resources: performance.getEntriesByType('resource').map((r) => ({ name: r.name, type: r.initiatorType, start: r.startTime, ttfb: r.responseStart, end: r.responseEnd, bytes: r.encodedBodySize, decoded: r.decodedBodySize })),
      marks: performance.getEntriesByType('mark').map((m) => ({ name: m.name, at: m.startTime })),
      longTasks: globalThis.__longTasks ?? [],
      now: performance.now(),
    };
  })()`) as {
    timeOrigin: number;
    nav: Record<string, number>;
    resources: { name: string; type: string; start: number; ttfb: number; end: number; bytes: number; decoded: number }[];
    marks: { name: string; at: number }[];
    longTasks: { start: number; duration: number }[];
    now: number;
  };
  if (cdp && profileFile) {
    const { profile } = await cdp.send('Profiler.stop');
    fs.mkdirSync(path.dirname(profileFile), { recursive: true });
    fs.writeFileSync(profileFile, JSON.stringify(profile));
    printProfile(profile as unknown as CpuProfile);
  }
  if (traceFile) fs.writeFileSync(traceFile, await browser.stopTracing());
  await context.close();

  const result: RunResult = {
    totalMs, cpu,
    longTaskMs: inPage.longTasks.reduce((sum, t) => sum + t.duration, 0),
    mark: (name) => inPage.marks.find((m) => m.name === `lagesbild:${name}`)?.at ?? NaN,
  };
  console.log(`total ${totalMs.toFixed(0)} ms; CPU ms ${Object.entries(cpu).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}; marks: ${inPage.marks.map((m) => `${m.name.replace('lagesbild:', '')} ${m.at.toFixed(0)}`).join(', ')}`);
  if (quiet) return result;
  const rel = (ms: number) => ms.toFixed(0).padStart(6);
  const short = (u: string) => { const x = new URL(u); return `${x.pathname}${x.search}`.replace(/\?.*/, (q) => (q.length > 40 ? `${q.slice(0, 40)}…` : q)); };
  // The page's clock starts at timeOrigin; the bench's t0 is a little earlier (goto's own round trips).
  const originOffset = inPage.timeOrigin - (serverT0);
  console.log(`\n== total (bench definition) ${totalMs.toFixed(0)} ms; goto() resolved at ${gotoMs.toFixed(0)} ms; page timeOrigin ${originOffset.toFixed(0)} ms after t0; in-page now at end ${inPage.now.toFixed(0)} ms`);
  console.log(`document: request ${rel(inPage.nav.requestStart)}  ttfb ${rel(inPage.nav.responseStart)}  end ${rel(inPage.nav.responseEnd)}  interactive ${rel(inPage.nav.domInteractive)}  DCL ${rel(inPage.nav.domContentLoaded)}  load ${rel(inPage.nav.load)}`);
  console.log('resource                                                         start   ttfb    end  wire kB  body kB');
  for (const r of inPage.resources.sort((a, b) => a.start - b.start)) {
    console.log(`${short(r.name).padEnd(62)} ${rel(r.start)} ${rel(r.ttfb)} ${rel(r.end)} ${(r.bytes / 1024).toFixed(0).padStart(8)} ${(r.decoded / 1024).toFixed(0).padStart(8)}`);
  }
  console.log('server (end relative to page timeOrigin, duration = Fastify elapsed)');
  for (const s of server) console.log(`  ${s.route.padEnd(50)} ${String(s.status).padEnd(4)} end ${rel(s.endMs - inPage.timeOrigin)}  took ${s.durationMs.toFixed(1).padStart(7)} ms`);
  console.log('marks: ' + inPage.marks.map((m) => `${m.name.replace('lagesbild:', '')} ${m.at.toFixed(0)}`).join(', '));
  console.log('long tasks: ' + inPage.longTasks.map((t) => `${t.start.toFixed(0)}+${t.duration.toFixed(0)}`).join(', '));
  return result;
}

interface CpuProfile { nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[]; samples: number[]; timeDeltas: number[] }

/** Self time of the main thread by script file (and the top functions), from a CDP CPU profile. */
function printProfile(profile: CpuProfile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfByUrl = new Map<string, number>();
  const selfByFn = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const n = byId.get(id)!;
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    const file = n.callFrame.url ? n.callFrame.url.replace(/^.*\//, '') : `(${n.callFrame.functionName || 'native'})`;
    selfByUrl.set(file, (selfByUrl.get(file) ?? 0) + dt);
    const fn = `${n.callFrame.functionName || '(anon)'} ${file}`;
    selfByFn.set(fn, (selfByFn.get(fn) ?? 0) + dt);
  });
  const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([n, ms]) => `    ${ms.toFixed(0).padStart(6)} ms  ${n}`).join('\n');
  console.log(`main-thread CPU by file:\n${top(selfByUrl, 12)}\ntop functions:\n${top(selfByFn, 15)}`);
}

const runs = Number(process.argv[2] ?? 3);
// FIRST_RENDER_COMPARE=dir: a second client build (e.g. of the previous commit) served by a second app over the same
// database; runs alternate between the two, so both meet the same machine load and only their difference counts.
const compareDir = process.env.FIRST_RENDER_COMPARE;
const quiet = process.env.FIRST_RENDER_QUIET === '1';
await ensureClientBuild(TEST_CLIENT_DIR);
const database = await createTestDatabase('pglite');
const serverLines: ServerLine[] = [];
try {
  await seedDemo(database.db, { endDate: new Date(), incidentCount: 40_000 });
  // The request log (server/infra/request-log.ts) already says route, status and Fastify's elapsed time per answer.
  const stream = { write(line: string) {
    const o = JSON.parse(line) as { msg: string; route?: string; status?: number; duration_ms?: number; time: number };
    if (o.msg === 'request' || o.msg === 'request failed') serverLines.push({ route: o.route ?? '?', status: o.status ?? 0, endMs: o.time, durationMs: o.duration_ms ?? 0 });
  } };
  const variants: { name: string; url: string; close(): Promise<void>; results: RunResult[] }[] = [];
  for (const [name, dir] of [['current', TEST_CLIENT_DIR], ...(compareDir ? [['compare', compareDir]] : [])]) {
    const config = loadConfig({ DEMO: '0', CLIENT_DIR: dir, PORT: '0', HOST: '127.0.0.1' });
    const app = await buildApp({ config, database, logger: { level: 'info', stream } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    variants.push({ name, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, close: () => app.close(), results: [] });
  }
  const browser = await launchChromium();
  try {
    for (const v of variants) {
      console.log(`# warm-up run of ${v.name} (cold server caches)`);
      await run(browser, v.url, serverLines, undefined, quiet);
    }
    for (let i = 0; i < runs; i++) {
      for (const v of i % 2 === 0 ? variants : [...variants].reverse()) {
        console.log(`\n# run ${i + 1} of ${v.name}`);
        v.results.push(await run(browser, v.url, serverLines, i === 0 && v.name === 'current' ? process.env.FIRST_RENDER_PROFILE : undefined, quiet));
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    for (const v of variants) {
      const col = (f: (r: RunResult) => number) => `${median(v.results.map(f)).toFixed(0).padStart(6)} [${v.results.map((r) => f(r).toFixed(0)).join(', ')}]`;
      console.log(`\n${v.name}: median total ${col((r) => r.totalMs)} ms`);
      console.log(`  first district frame ${col((r) => r.mark('first-frame'))}; map loaded ${col((r) => r.mark('map-loaded'))}; main thread in long tasks ${col((r) => r.longTaskMs)}`);
      for (const kind of ['renderer', 'gpu-process', 'utility', 'browser', 'server']) console.log(`  CPU ${kind} ${col((r) => r.cpu[kind] ?? 0)} ms`);
    }
  } finally {
    await browser.close();
    for (const v of variants) await v.close();
  }
} finally {
  await database.destroy();
}
