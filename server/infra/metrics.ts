/**
 * Process-wide metrics in the Prometheus text format (GET /metrics). A tiny registry rather than a
 * dependency: counters and histograms with labels, rendered on demand. Features count their own
 * events through the helpers at the bottom (cache hits, import rows).
 */

type Labels = Record<string, string>;

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k].replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`)
    .join(',');
}

export class Counter {
  private readonly values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }
  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [key, value] of this.values) lines.push(`${this.name}${key ? `{${key}}` : ''} ${value}`);
    return lines;
  }
}

export class Histogram {
  private readonly series = new Map<string, { buckets: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly bounds: number[]) {}
  observe(labels: Labels, value: number): void {
    const key = labelKey(labels);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { buckets: this.bounds.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < this.bounds.length; i++) if (value <= this.bounds[i]) s.buckets[i]++;
    s.sum += value;
    s.count++;
  }
  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [key, s] of this.series) {
      const sep = key ? `${key},` : '';
      this.bounds.forEach((b, i) => lines.push(`${this.name}_bucket{${sep}le="${b}"} ${s.buckets[i]}`));
      lines.push(`${this.name}_bucket{${sep}le="+Inf"} ${s.count}`);
      lines.push(`${this.name}_sum${key ? `{${key}}` : ''} ${Number(s.sum.toFixed(6))}`);
      lines.push(`${this.name}_count${key ? `{${key}}` : ''} ${s.count}`);
    }
    return lines;
  }
}

export const httpRequests = new Counter('lagesbild_http_requests_total', 'HTTP requests answered, by method, route pattern and status.');
export const httpDuration = new Histogram(
  'lagesbild_http_request_duration_seconds',
  'HTTP request latency by method and route pattern.',
  [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
);
export const importRows = new Counter('lagesbild_import_rows_total', 'Rows written by committed imports, by kind and outcome (accepted, updated, unchanged, rejected).');
export const cacheHits = new Counter('lagesbild_cache_hits_total', 'Cache lookups answered from a cache, by cache name.');
export const cacheMisses = new Counter('lagesbild_cache_misses_total', 'Cache lookups that had to compute, by cache name.');

/** For any feature with a cache (tiles, statistics): count each lookup. */
export function countCacheLookup(cache: string, hit: boolean): void {
  (hit ? cacheHits : cacheMisses).inc({ cache });
}

/** For imports: count the rows of a committed import. */
export function countImportRows(kind: string, counts: Partial<Record<'accepted' | 'updated' | 'unchanged' | 'rejected', number>>): void {
  for (const [outcome, n] of Object.entries(counts)) if (n) importRows.inc({ kind, outcome }, n);
}

/** Every registered metric, rendered (gauges read at request time are added by the route). */
export function renderMetrics(): string[] {
  return [httpRequests, httpDuration, importRows, cacheHits, cacheMisses].flatMap((m) => m.render());
}
