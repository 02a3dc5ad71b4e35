import type { DbKind } from '../server/infra/db.ts';

/** One measured scenario: samples in milliseconds and the budget it is held to. */
export interface BenchResult {
  name: string;
  backend: string;
  samplesMs: number[];
  budgetMs?: number;
  note?: string;
}

/** The p-th percentile (0–100) by nearest rank. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Runs fn `warmup` times unmeasured, then `runs` times, returning the durations in ms. */
export async function sample(fn: () => Promise<unknown>, runs: number, warmup = 5): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

/** The database backends a bench runs on: PGlite, plus a server when BENCH_DATABASE_URL (or TEST_DATABASE_URL) is set. */
export function benchServerUrl(): string | undefined {
  return process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
}

/** The backends a bench runs on: PGlite, and the PostgreSQL server when one is given; `BENCH_BACKENDS=a,b` narrows it. */
export function benchBackends(): DbKind[] {
  const only = process.env.BENCH_BACKENDS?.split(',');
  return (benchServerUrl() ? ['pglite', 'postgres'] : ['pglite']).filter((b) => !only || only.includes(b)) as DbKind[];
}
