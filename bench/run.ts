import fs from 'node:fs';
import path from 'node:path';
import { percentile, type BenchResult } from './lib.ts';

// `npm run bench [filter]`: runs every bench/*.bench.ts (or those whose name contains filter)
// one after another and prints median and p95 against each budget.
const filter = process.argv[2];
const dir = import.meta.dirname;
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter))).sort();
const all: BenchResult[] = [];
for (const file of files) {
  process.stdout.write(`\n# ${file}\n`);
  const mod = (await import(path.join(dir, file))) as { default: () => Promise<BenchResult[]> };
  const results = await mod.default();
  for (const r of results) {
    all.push(r);
    const med = percentile(r.samplesMs, 50), p95 = percentile(r.samplesMs, 95);
    const verdict = r.budgetMs === undefined ? '' : med <= r.budgetMs ? 'ok' : 'OVER BUDGET';
    process.stdout.write(
      `${r.name.padEnd(58)} ${r.backend.padEnd(9)} n=${String(r.samplesMs.length).padEnd(4)} median ${med.toFixed(1).padStart(9)} ms  p95 ${p95.toFixed(1).padStart(9)} ms` +
        `${r.budgetMs === undefined ? '' : `  budget ${r.budgetMs} ms ${verdict}`}${r.note ? `  (${r.note})` : ''}\n`,
    );
  }
}
fs.mkdirSync(path.join(dir, '.tmp'), { recursive: true });
fs.writeFileSync(path.join(dir, '.tmp', 'results.json'), JSON.stringify(all, null, 2));
const over = all.filter((r) => r.budgetMs !== undefined && percentile(r.samplesMs, 50) > r.budgetMs);
process.stdout.write(`\n${all.length} scenarios, ${over.length} over budget. Results in bench/.tmp/results.json\n`);
process.exit(0);
