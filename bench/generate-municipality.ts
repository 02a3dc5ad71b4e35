import { sql } from 'kysely';
import { insertIncidents, type IncidentInsert } from '../server/features/incidents/incidents.queries.ts';
import type { Db } from '../server/infra/db.ts';
import { mulberry32 } from '../server/stats/random.ts';

/** The generated municipality: 20 × 20 km in SWEREF 99 TM with its south-west corner here. */
export const BENCH_MUNICIPALITY = { code: '0998', name: 'Benchkommun', e0: 600_000, n0: 6_500_000, size: 20_000 };
/** 6 × 5 districts of 3.33 × 4 km. */
const COLS = 6;
const ROWS = 5;

// Weighted categories as a municipality sees them (mostly open, some restricted and protected).
const CATEGORY_WEIGHTS: [string, number][] = [
  ['stold', 20], ['skadegorelse', 10], ['misshandel', 8], ['inbrott_bostad', 8], ['fordonsbrott', 8], ['cykelstold', 7],
  ['klotter', 7], ['hot', 6], ['ordningsstorning', 5], ['nedskrapning', 4], ['ran', 2], ['brand', 2], ['folksamling', 2],
  ['buskorning', 2], ['olovligt_boende', 1], ['narkotika', 3], ['langning', 1], ['incident_mot_anstalld', 1],
  ['vald_nara_relation', 2], ['sexualbrott', 1],
];

/** The period the incidents fall in: two years, half-open. */
export const BENCH_PERIOD = { from: '2024-01-01', to: '2026-01-01' };

/**
 * Creates (deterministically, from `seed`) a 20 × 20 km municipality with 30 districts and `count`
 * incidents over two years in time order: 60 % uniform, 40 % in 12 Gaussian clusters, 3 % unlocated,
 * evening heavy. Inserted in batches with the district assigned at insert. Returns the code.
 */
export async function generateMunicipality(
  db: Db,
  options: { count: number; seed?: number; batchSize?: number; shuffled?: boolean; onProgress?: (done: number) => void },
): Promise<string> {
  const { code, name, e0, n0, size } = BENCH_MUNICIPALITY;
  const random = mulberry32(options.seed ?? 20251121);
  await db.insertInto('municipality').values({ code, name }).execute();
  const w = size / COLS;
  const h = size / ROWS;
  for (let r = 0; r < ROWS; r++) {
    for (let c = 0; c < COLS; c++) {
      const x0 = e0 + c * w, y0 = n0 + r * h;
      const wkt = `MULTIPOLYGON(((${x0} ${y0},${x0 + w} ${y0},${x0 + w} ${y0 + h},${x0} ${y0 + h},${x0} ${y0})))`;
      const population = 2000 + Math.floor(random() * 13_000);
      await sql`INSERT INTO district (municipality_code, name, kind, population, geom)
                VALUES (${code}, ${`Distrikt ${r * COLS + c + 1}`}, 'stadsdel', ${population}, ST_GeomFromText(${wkt}, 3006))`.execute(db);
    }
  }
  const clusters = Array.from({ length: 12 }, () => ({ x: e0 + 2000 + random() * (size - 4000), y: n0 + 2000 + random() * (size - 4000), sd: 150 + random() * 400 }));
  const totalWeight = CATEGORY_WEIGHTS.reduce((s, [, v]) => s + v, 0);
  const pickCategory = () => {
    let u = random() * totalWeight;
    for (const [c, v] of CATEGORY_WEIGHTS) if ((u -= v) < 0) return c;
    return 'stold';
  };
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const start = Date.parse('2024-01-01T00:00:00+01:00');
  const span = Date.parse('2026-01-01T00:00:00+01:00') - start;
  const batchSize = options.batchSize ?? 5000;
  // Times first, sorted: sources export chronologically, so the heap is roughly in time order as
  // after real imports (a random order would make every date-range read touch the whole table).
  const times = new Float64Array(options.count);
  for (let k = 0; k < options.count; k++) {
    // Evenings and nights weigh more: half of the events are moved into 17:00–01:59 of their day.
    let t = start + Math.floor(random() * span);
    if (random() < 0.5) t = t - (t % 86_400_000) + (16 + Math.floor(random() * 10)) * 3_600_000 + Math.floor(random() * 3_600_000);
    times[k] = Math.min(t, start + span - 1);
  }
  times.sort();
  // Real exports from several sources arrive interleaved and out of time order: the shuffled
  // variant (issue 15) writes rows in random order so date-range reads cannot lean on heap order.
  if (options.shuffled) shuffleInPlace(times, random);
  // Skewed places for the shuffled variant: cluster k draws with weight 1/(k+1) (a few dominant hotspots).
  const clusterWeights = clusters.map((_, k) => 1 / (k + 1));
  const clusterTotal = clusterWeights.reduce((s, v) => s + v, 0);
  const pickCluster = () => {
    if (!options.shuffled) return clusters[Math.floor(random() * clusters.length)];
    let u = random() * clusterTotal;
    for (let k = 0; k < clusters.length; k++) if ((u -= clusterWeights[k]) < 0) return clusters[k];
    return clusters[0];
  };
  let batch: IncidentInsert[] = [];
  for (let k = 0; k < options.count; k++) {
    let x: number | null = null;
    let y: number | null = null;
    const u = random();
    if (u >= 0.03) {
      if (u < 0.6) {
        x = e0 + random() * size;
        y = n0 + random() * size;
      } else {
        const cl = pickCluster();
        x = Math.min(e0 + size - 0.01, Math.max(e0, cl.x + gauss() * cl.sd));
        y = Math.min(n0 + size - 0.01, Math.max(n0, cl.y + gauss() * cl.sd));
      }
    }
    const t = times[k];
    batch.push({
      source: options.shuffled ? pickSource(random) : random() < 0.85 ? 'police' : 'municipality',
      source_ref: `bench-${k}`,
      category_code: pickCategory(),
      source_category: null,
      occurred_at: new Date(t).toISOString(),
      occurred_until: null,
      x, y,
      place: null,
      description: null,
      content_hash: String(k),
    });
    if (batch.length === batchSize) {
      await insertIncidents(db, code, batch, null);
      batch = [];
      options.onProgress?.(k + 1);
    }
  }
  if (batch.length) await insertIncidents(db, code, batch, null);
  await sql`ANALYZE`.execute(db);
  return code;
}

const SOURCE_WEIGHTS: [string, number][] = [['police', 60], ['municipality', 15], ['housing', 10], ['security', 6], ['transport', 6], ['public', 3]];

function pickSource(random: () => number): string {
  let u = random() * 100;
  for (const [s, v] of SOURCE_WEIGHTS) if ((u -= v) < 0) return s;
  return 'police';
}

/** Fisher–Yates with the generator's own random numbers, so the order is reproducible from the seed. */
function shuffleInPlace(values: Float64Array, random: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = values[i];
    values[i] = values[j];
    values[j] = t;
  }
}
