import { describe, expect, it } from 'vitest';
import { knoxTest, type KnoxEvent } from '../../../server/stats/knox.ts';
import { mulberry32, type Random } from '../../../server/stats/random.ts';

const SPACE = [100, 200, 400];
const TIME = [7, 14, 30];

function uniformEvents(count: number, random: Random): KnoxEvent[] {
  return Array.from({ length: count }, () => ({
    x: 650_000 + random() * 5000,
    y: 6_580_000 + random() * 5000,
    t: Math.floor(random() * 365),
  }));
}

/** Knox counts by looping over every pair, the reference for the bucketed implementation. */
function bruteForceTable(events: KnoxEvent[], space: number[], time: number[]): number[][] {
  const band = (v: number, edges: number[], tolerance: number) => {
    const k = edges.findIndex((e) => v <= e + tolerance);
    return k < 0 ? edges.length : k;
  };
  const table = Array.from({ length: space.length + 1 }, () => new Array(time.length + 1).fill(0));
  for (let i = 0; i < events.length; i++) {
    for (let j = i + 1; j < events.length; j++) {
      const d = Math.hypot(events[i].x - events[j].x, events[i].y - events[j].y);
      table[band(d, space, 1e-6)][band(Math.abs(events[i].t - events[j].t), time, 1e-9)] += 1;
    }
  }
  return table;
}

const sum = (table: number[][]) => table.flat().reduce((a, v) => a + v, 0);

describe('knoxTest', () => {
  it('works a three-event example by hand', () => {
    // A(0, 0, day 0), B(50, 0, day 3), C(1000, 0, day 30); bands [0, 100] m and 0–7 days.
    // AB: 50 m, 3 days → near/near; AC: 1000 m, 30 days and BC: 950 m, 27 days → beyond/beyond.
    // Permuting the times {0, 3, 30}, the pair AB gets the gap 3, 30 or 27 with probability ⅓
    // each, so E[near/near] = ⅓ and P(simulated ≥ 1) = ⅓.
    const events = [
      { x: 0, y: 0, t: 0 },
      { x: 50, y: 0, t: 3 },
      { x: 1000, y: 0, t: 30 },
    ];
    const result = knoxTest(events, { spaceBands: [100], timeBands: [7], iterations: 3000, random: mulberry32(4) });
    expect(result.observed).toEqual([
      [1, 0],
      [0, 2],
    ]);
    expect(result.pairs).toBe(3);
    expect(result.expected[0][0]).toBeCloseTo(1 / 3, 1);
    expect(result.p[0][0]).toBeCloseTo(1 / 3, 1);
    expect(result.ratio[0][0]).toBeCloseTo(3, 0);
  });

  it('counts the same pairs per band as an O(n²) loop, the beyond row included', () => {
    const events = uniformEvents(400, mulberry32(17));
    const result = knoxTest(events, { spaceBands: SPACE, timeBands: TIME, iterations: 9 });
    expect(result.observed).toEqual(bruteForceTable(events, SPACE, TIME));
    expect(sum(result.observed)).toBe((400 * 399) / 2);
  });

  it('puts pairs exactly on a band edge into the lower band, even when the day gap rounds up', () => {
    // 100 m apart, and days 2.3 and 9.3 (07:12 both days), whose float difference is
    // 7.000000000000001: both on the edges of the first bands.
    const events = [
      { x: 0, y: 0, t: 2.3 },
      { x: 60, y: 80, t: 9.3 },
    ];
    expect(events[1].t - events[0].t).toBeGreaterThan(7);
    expect(knoxTest(events, { spaceBands: [100], timeBands: [7], iterations: 1 }).observed).toEqual([
      [1, 0],
      [0, 0],
    ]);
  });

  it('keeps the distance and time-gap totals of every permutation: expected margins equal observed', () => {
    // Permuting times moves pairs between time bands within a distance band row and vice
    // versa, but each row total (distances) and column total (the gaps' multiset) is fixed.
    const result = knoxTest(uniformEvents(300, mulberry32(23)), { spaceBands: SPACE, timeBands: TIME, iterations: 19 });
    result.observed.forEach((row, r) => {
      const expectedRow = result.expected[r].reduce((a, v) => a + v, 0);
      expect(expectedRow).toBeCloseTo(row.reduce((a, v) => a + v, 0), 9);
    });
    for (let c = 0; c <= TIME.length; c++) {
      const observedColumn = result.observed.reduce((a, row) => a + row[c], 0);
      expect(result.expected.reduce((a, row) => a + row[c], 0)).toBeCloseTo(observedColumn, 9);
    }
  });

  it('finds a planted near-repeat pattern in the nearest band (p ≤ 0.05, ratio > 2)', () => {
    const random = mulberry32(31);
    const events = uniformEvents(300, random);
    // 40 initial events, each followed by 3 more within 80 m and 1–6 days.
    for (let k = 0; k < 40; k++) {
      const seed = { x: 650_000 + random() * 5000, y: 6_580_000 + random() * 5000, t: Math.floor(random() * 350) };
      events.push(seed);
      for (let f = 0; f < 3; f++) {
        const angle = random() * 2 * Math.PI;
        const radius = random() * 80;
        events.push({
          x: seed.x + radius * Math.cos(angle),
          y: seed.y + radius * Math.sin(angle),
          t: seed.t + 1 + Math.floor(random() * 6),
        });
      }
    }
    const result = knoxTest(events, { spaceBands: SPACE, timeBands: TIME, random: mulberry32(1) });
    expect(result.p[0][0]).toBeLessThanOrEqual(0.05);
    expect(result.ratio[0][0] as number).toBeGreaterThan(2);
  });

  it('shows no systematic significance on space–time independent events', () => {
    // 20 independent data sets: the nearest cell is significant about 5 % of the time at
    // most, and so is the whole table.
    let nearestSignificant = 0;
    let cellsSignificant = 0;
    let cells = 0;
    for (let k = 0; k < 20; k++) {
      const result = knoxTest(uniformEvents(250, mulberry32(1000 + k)), {
        spaceBands: SPACE,
        timeBands: TIME,
        random: mulberry32(k),
      });
      if (result.p[0][0] <= 0.05) nearestSignificant++;
      for (const p of result.p.flat()) {
        cells++;
        if (p <= 0.05) cellsSignificant++;
      }
    }
    expect(nearestSignificant).toBeLessThanOrEqual(3);
    expect(cellsSignificant / cells).toBeLessThan(0.1);
  });

  it('gives identical results for the same seed and different p for another seed', () => {
    const events = uniformEvents(200, mulberry32(5));
    const options = { spaceBands: SPACE, timeBands: TIME, iterations: 49 };
    const first = knoxTest(events, { ...options, random: mulberry32(77) });
    expect(knoxTest(events, { ...options, random: mulberry32(77) })).toEqual(first);
    expect(knoxTest(events, { ...options, random: mulberry32(78) }).p).not.toEqual(first.p);
  });

  it('uses 99 permutations by default, so p is a multiple of 0.01 and at least 0.01', () => {
    const result = knoxTest(uniformEvents(100, mulberry32(6)), { spaceBands: SPACE, timeBands: TIME });
    expect(result.iterations).toBe(99);
    for (const p of result.p.flat()) {
      expect(p).toBeGreaterThanOrEqual(0.01);
      expect(Math.round(p * 100)).toBeCloseTo(p * 100, 9);
    }
  });

  it('accounts for every pair of 5 000 events across the bands', () => {
    const events = Array.from({ length: 5000 }, (_, k) => uniformEvents(1, mulberry32(k))[0]);
    const result = knoxTest(events, { spaceBands: [100, 200, 300, 400, 500], timeBands: [7, 14, 21, 28] });
    expect(sum(result.observed)).toBe((5000 * 4999) / 2);
  });

  it('rejects bands that are empty or not increasing, and a non-positive iteration count', () => {
    const events = uniformEvents(5, mulberry32(1));
    expect(() => knoxTest(events, { spaceBands: [], timeBands: TIME })).toThrow(RangeError);
    expect(() => knoxTest(events, { spaceBands: [200, 100], timeBands: TIME })).toThrow(RangeError);
    expect(() => knoxTest(events, { spaceBands: SPACE, timeBands: TIME, iterations: 0 })).toThrow(RangeError);
  });
});
