import { describe, expect, it } from 'vitest';
import {
  formatStockholm,
  generateDemo,
  stockholmLocalToInstant,
  stockholmOffsetMinutes,
  type DemoData,
  type DemoDistrict,
  type DemoResponse,
} from '../../../../server/features/demo/demo-data.ts';
import { createRandom, deriveSeed } from '../../../../server/features/demo/demo-random.ts';
import { buildTown } from '../../../../server/features/demo/demo-town.ts';

type Ring = [number, number][];

/** SPEC §4.4, copied here so the test checks the generator against the contract, not itself. */
const SPEC_CATEGORIES = [
  'misshandel', 'hot', 'ran', 'stold', 'inbrott_bostad', 'fordonsbrott', 'cykelstold', 'skadegorelse', 'klotter', 'brand',
  'nedskrapning', 'ordningsstorning', 'folksamling', 'buskorning', 'olovligt_boende', 'incident_mot_anstalld', 'narkotika',
  'langning', 'skjutning', 'sprangning', 'vald_nara_relation', 'sexualbrott', 'hedersrelaterat', 'otrygg_plats',
];
const PROTECTED = new Set(['vald_nara_relation', 'sexualbrott', 'hedersrelaterat']);
const VIOLENCE_AND_DISORDER = new Set(['misshandel', 'hot', 'ran', 'ordningsstorning', 'folksamling']);

const END = new Date('2026-01-01T00:00:00+01:00');
const small = (seed: number, endDate = END): DemoData => generateDemo({ seed, endDate, incidentCount: 3000, respondents: 400, marks: 80 });

// One default-size dataset for the statistical stories; it is only read, never changed.
const full = generateDemo({ endDate: END });

/** Even–odd ray casting, written independently of the generator's own. */
function inside(p: [number, number], ring: Ring): boolean {
  let result = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) result = !result;
  }
  return result;
}

function area(ring: Ring): number {
  let s = 0;
  for (let i = 0; i < ring.length - 1; i++) s += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return s / 2;
}

function segmentsCross(a: number[], b: number[], c: number[], d: number[]): boolean {
  const orient = (p: number[], q: number[], r: number[]) => Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]));
  return orient(a, b, c) !== orient(a, b, d) && orient(c, d, a) !== orient(c, d, b);
}

function isSimple(ring: Ring): boolean {
  const n = ring.length - 1;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (j === i + 1 || (i === 0 && j === n - 1)) continue;
      if (segmentsCross(ring[i], ring[i + 1], ring[j], ring[j + 1])) return false;
    }
  }
  return new Set(ring.slice(0, -1).map((p) => p.join(','))).size === n;
}

const stadsdelar = (d: DemoData): DemoDistrict[] => d.districts.filter((x) => x.kind === 'stadsdel');
const districtOf = (d: DemoData, e: number, n: number): DemoDistrict[] => stadsdelar(d).filter((x) => inside([e, n], x.ring));

/** Local wall-clock parts read straight from the ISO string; weekday 0 = Monday. */
function localParts(iso: string): { hour: number; weekday: number } {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  return { hour: Number(iso.slice(11, 13)), weekday: (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7 };
}

function weightedOtrygg(responses: readonly DemoResponse[]): number {
  let unsafe = 0;
  let answered = 0;
  for (const r of responses) {
    if (r.otryggKvall === null || r.otryggKvall === 5) continue;
    answered += r.weight;
    if (r.otryggKvall >= 3) unsafe += r.weight;
  }
  return unsafe / answered;
}

function incidentsPer1000(d: DemoData, key: string): number {
  const district = d.districts.find((x) => x.key === key)!;
  const located = d.incidents.filter((i) => i.e !== null && inside([i.e, i.n!], district.ring));
  return (1000 * located.length) / district.population;
}

describe('generateDemo: determinism and size', () => {
  it('gives byte-identical output for the same options', () => {
    expect(JSON.stringify(small(7))).toBe(JSON.stringify(small(7)));
  });

  it('gives different output for a different seed', () => {
    const a = small(7);
    const b = small(8);
    expect(a.incidents).not.toEqual(b.incidents);
    expect(a.districts.map((x) => x.ring)).not.toEqual(b.districts.map((x) => x.ring));
  });

  it('keeps incidents unchanged when only the number of marks changes', () => {
    const a = generateDemo({ seed: 3, endDate: END, incidentCount: 500, respondents: 100, marks: 10 });
    const b = generateDemo({ seed: 3, endDate: END, incidentCount: 500, respondents: 100, marks: 50 });
    expect(b.incidents).toEqual(a.incidents);
  });

  it('generates the default size', () => {
    expect(full.incidents).toHaveLength(40_000);
    expect(full.survey.responses).toHaveLength(2000);
    expect(full.survey.marks).toHaveLength(600);
  });

  it('returns exactly the requested counts', () => {
    const d = generateDemo({ seed: 1, endDate: END, incidentCount: 1234, respondents: 321, marks: 45 });
    expect([d.incidents.length, d.survey.responses.length, d.survey.marks.length]).toEqual([1234, 321, 45]);
  });

  it('rejects an invalid end date or count', () => {
    expect(() => generateDemo({ endDate: new Date('nope') })).toThrow(RangeError);
    expect(() => generateDemo({ endDate: END, incidentCount: -1 })).toThrow(RangeError);
  });

  it('is the fictional demo municipality 9999', () => {
    expect(full.municipality).toEqual({ code: '9999', name: 'Demokommun (fiktiv demo)' });
  });
});

describe('generateDemo: districts', () => {
  const d = small(11);

  it('has 3 kommundelar of 4 stadsdelar each', () => {
    const kommundelar = d.districts.filter((x) => x.kind === 'kommundel');
    expect(kommundelar).toHaveLength(3);
    for (const k of kommundelar) {
      expect(k.parentKey).toBeNull();
      expect(d.districts.filter((x) => x.parentKey === k.key && x.kind === 'stadsdel')).toHaveLength(4);
    }
    expect(new Set(d.districts.map((x) => x.key)).size).toBe(15);
  });

  it('has closed, counter-clockwise, simple rings in SWEREF 99 TM', () => {
    for (const x of d.districts) {
      expect(x.ring[0]).toEqual(x.ring[x.ring.length - 1]);
      expect(area(x.ring)).toBeGreaterThan(0);
      expect(isSimple(x.ring), x.key).toBe(true);
      for (const [e, n] of x.ring) {
        expect(Number.isInteger(e) && Number.isInteger(n)).toBe(true);
        expect(e).toBeGreaterThan(660_000);
        expect(e).toBeLessThan(690_000);
        expect(n).toBeGreaterThan(6_570_000);
        expect(n).toBeLessThan(6_590_000);
      }
    }
  });

  it('covers about 12 × 9 km', () => {
    const total = stadsdelar(d).reduce((s, x) => s + area(x.ring), 0);
    expect(total / 1e6).toBeGreaterThan(95);
    expect(total / 1e6).toBeLessThan(125);
  });

  it('tiles without overlaps: every sample point in the town is in exactly one stadsdel', () => {
    const all = stadsdelar(d).flatMap((x) => x.ring);
    const minE = Math.min(...all.map((p) => p[0]));
    const maxE = Math.max(...all.map((p) => p[0]));
    const minN = Math.min(...all.map((p) => p[1]));
    const maxN = Math.max(...all.map((p) => p[1]));
    let checked = 0;
    for (let e = minE + 0.37; e < maxE; e += 97) {
      for (let n = minN + 0.61; n < maxN; n += 89) {
        const hits = districtOf(d, e, n).length;
        expect(hits).toBeLessThanOrEqual(1);
        checked += hits;
      }
    }
    expect(checked).toBeGreaterThan(10_000);
  });

  it('makes each kommundel exactly the union of its stadsdelar', () => {
    for (const k of d.districts.filter((x) => x.kind === 'kommundel')) {
      const children = d.districts.filter((x) => x.parentKey === k.key);
      expect(area(k.ring)).toBeCloseTo(children.reduce((s, c) => s + area(c.ring), 0), 3);
      const [minE, maxE] = [Math.min(...k.ring.map((p) => p[0])) - 300, Math.max(...k.ring.map((p) => p[0])) + 300];
      const [minN, maxN] = [Math.min(...k.ring.map((p) => p[1])) - 300, Math.max(...k.ring.map((p) => p[1])) + 300];
      for (let e = minE + 0.37; e < maxE; e += 131) {
        for (let n = minN + 0.61; n < maxN; n += 127) {
          expect(inside([e, n], k.ring)).toBe(children.some((c) => inside([e, n], c.ring)));
        }
      }
    }
  });

  it('shares vertices exactly along common edges', () => {
    const [centrum, station] = ['centrum', 'stationsomradet'].map((key) => d.districts.find((x) => x.key === key)!);
    const shared = centrum.ring.filter(([e, n]) => station.ring.some(([e2, n2]) => e === e2 && n === n2));
    expect(shared.length).toBeGreaterThanOrEqual(3);
  });

  it('has consistent populations', () => {
    const groups = ['0-15', '16-19', '20-34', '35-49', '50-64', '65-79', '80+'] as const;
    for (const x of d.districts) {
      expect(x.populationByGender.kvinna + x.populationByGender.man).toBe(x.population);
      expect(groups.reduce((s, g) => s + x.populationByAge[g], 0)).toBe(x.population);
      if (x.kind === 'stadsdel') {
        expect(x.population).toBeGreaterThanOrEqual(2000);
        expect(x.population).toBeLessThanOrEqual(14_000);
      } else {
        const children = d.districts.filter((c) => c.parentKey === x.key);
        expect(children.reduce((s, c) => s + c.population, 0)).toBe(x.population);
        expect(children.reduce((s, c) => s + c.populationByGender.kvinna, 0)).toBe(x.populationByGender.kvinna);
        for (const g of groups) expect(children.reduce((s, c) => s + c.populationByAge[g], 0)).toBe(x.populationByAge[g]);
      }
    }
    const total = stadsdelar(d).reduce((s, x) => s + x.population, 0);
    expect(total).toBeGreaterThanOrEqual(60_000);
    expect(total).toBeLessThanOrEqual(90_000);
  });

  it('puts landmarks inside the stadsdel they belong to', () => {
    const expected: Record<string, string> = { torget: 'centrum', station: 'stationsomradet', park: 'solhojden', kopcentrum: 'ekdalen' };
    for (const l of d.landmarks) {
      const hits = districtOf(d, l.e, l.n);
      expect(hits, l.key).toHaveLength(1);
      if (expected[l.key]) expect(hits[0].key).toBe(expected[l.key]);
    }
    expect(d.landmarks.filter((l) => l.key.startsWith('skola')).length).toBeGreaterThanOrEqual(3);
  });
});

describe('buildTown: irregular districts that stay valid for any seed', () => {
  it('keeps every ring simple and counter-clockwise, and every landmark clearly inside its stadsdel, over 40 seeds', () => {
    for (let seed = 1; seed <= 40; seed++) {
      // buildTown also throws when a kommundel's outline is not one ring.
      const town = buildTown(createRandom(deriveSeed(seed, 'town')));
      for (const x of town.districts) {
        expect(isSimple(x.ring), `${seed} ${x.key}`).toBe(true);
        expect(area(x.ring), `${seed} ${x.key}`).toBeGreaterThan(2e6);
      }
      const total = town.stadsdelar.reduce((s, x) => s + area(x.district.ring), 0);
      expect(total / 1e6).toBeGreaterThan(95);
      expect(total / 1e6).toBeLessThan(125);
      for (const h of town.hotspots.values()) expect(town.locateClearly(h.position), `${seed} ${h.key}`).toBeGreaterThanOrEqual(0);
      // The lake stays inside Lindås whatever the shore does.
      const lake = town.landscape.features.find((f) => f.name === 'Lindåssjön')!.geometry as { ring: Ring };
      const lindas = town.stadsdelar.find((x) => x.spec.key === 'lindas')!.district.ring;
      expect(lake.ring.every((p) => inside(p, lindas)), `${seed} Lindåssjön`).toBe(true);
    }
  });
});

describe('Europe/Stockholm offsets', () => {
  it('switches to +02:00 at 01:00 UTC on the last Sunday of March', () => {
    expect(stockholmOffsetMinutes(Date.parse('2025-03-30T00:59:59Z'))).toBe(60);
    expect(stockholmOffsetMinutes(Date.parse('2025-03-30T01:00:00Z'))).toBe(120);
    expect(formatStockholm(Date.parse('2025-03-30T00:59:00Z'))).toBe('2025-03-30T01:59:00+01:00');
    expect(formatStockholm(Date.parse('2025-03-30T01:00:00Z'))).toBe('2025-03-30T03:00:00+02:00');
  });

  it('switches back to +01:00 at 01:00 UTC on the last Sunday of October', () => {
    expect(stockholmOffsetMinutes(Date.parse('2025-10-26T00:59:59Z'))).toBe(120);
    expect(stockholmOffsetMinutes(Date.parse('2025-10-26T01:00:00Z'))).toBe(60);
    expect(formatStockholm(Date.parse('2025-10-26T00:30:00Z'))).toBe('2025-10-26T02:30:00+02:00');
    expect(formatStockholm(Date.parse('2025-10-26T01:30:00Z'))).toBe('2025-10-26T02:30:00+01:00');
  });

  it('uses the right dates in other years (2024: 31 March and 27 October)', () => {
    expect(formatStockholm(Date.parse('2024-03-31T01:00:00Z'))).toBe('2024-03-31T03:00:00+02:00');
    expect(formatStockholm(Date.parse('2024-03-24T01:00:00Z'))).toBe('2024-03-24T02:00:00+01:00');
    expect(formatStockholm(Date.parse('2024-10-27T01:00:00Z'))).toBe('2024-10-27T02:00:00+01:00');
    expect(formatStockholm(Date.parse('2026-06-07T21:15:00Z'))).toBe('2026-06-07T23:15:00+02:00');
    expect(formatStockholm(Date.parse('2025-12-31T23:30:00Z'))).toBe('2026-01-01T00:30:00+01:00');
  });

  it('keeps 01:30 on the spring-forward day (it exists, before the gap)', () => {
    expect(formatStockholm(stockholmLocalToInstant(2025, 3, 30, 1, 30))).toBe('2025-03-30T01:30:00+01:00');
  });

  it('moves a non-existent time (02:30 on 30 March 2025) an hour forward', () => {
    expect(formatStockholm(stockholmLocalToInstant(2025, 3, 30, 2, 30))).toBe('2025-03-30T03:30:00+02:00');
  });

  it('resolves an ambiguous time (02:30 on 26 October 2025) to the first, summer-time occurrence', () => {
    expect(stockholmLocalToInstant(2025, 10, 26, 2, 30)).toBe(Date.parse('2025-10-26T00:30:00Z'));
    expect(formatStockholm(stockholmLocalToInstant(2025, 10, 26, 3, 0))).toBe('2025-10-26T03:00:00+01:00');
  });

  it('agrees with the tz database for every incident', () => {
    const fmt = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    });
    for (const i of small(5).incidents) {
      for (const t of [i.occurredAt, i.occurredUntil]) {
        if (t === null) continue;
        expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\+0[12]:00$/);
        expect(fmt.format(new Date(t)).replace(' ', 'T')).toBe(t.slice(0, 16));
      }
    }
  });
});

describe('generateDemo: incidents', () => {
  it('uses every SPEC §4.4 category and nothing else, even for a small count', () => {
    for (const d of [full, generateDemo({ seed: 2, endDate: END, incidentCount: 100, respondents: 10, marks: 1 })]) {
      expect(new Set(d.incidents.map((i) => i.category))).toEqual(new Set(SPEC_CATEGORIES));
    }
  });

  it('keeps every incident in [endDate − 2 years, endDate)', () => {
    const end = new Date('2025-06-07T13:37:00Z');
    const start = Date.parse('2023-06-07T13:37:00Z');
    for (const i of small(4, end).incidents) {
      const t = Date.parse(i.occurredAt);
      expect(t).toBeGreaterThanOrEqual(start);
      expect(t).toBeLessThan(end.getTime());
      if (i.occurredUntil) {
        expect(Date.parse(i.occurredUntil)).toBeGreaterThan(t);
        expect(Date.parse(i.occurredUntil)).toBeLessThan(end.getTime());
      }
    }
  });

  it('is sorted by time', () => {
    const times = full.incidents.map((i) => Date.parse(i.occurredAt));
    expect(times.every((t, k) => k === 0 || times[k - 1] <= t)).toBe(true);
  });

  it('places every located incident inside the town', () => {
    const outside = full.incidents.filter((i) => i.e !== null && districtOf(full, i.e, i.n!).length !== 1);
    expect(outside).toEqual([]);
  });

  it('leaves about 3 % unlocated, with e and n both null', () => {
    const unlocated = full.incidents.filter((i) => i.e === null);
    expect(unlocated.every((i) => i.n === null)).toBe(true);
    expect(unlocated.length / full.incidents.length).toBeGreaterThan(0.02);
    expect(unlocated.length / full.incidents.length).toBeLessThan(0.045);
  });

  it('has references unique per source', () => {
    const refs = full.incidents.map((i) => `${i.source}|${i.sourceRef}`);
    expect(new Set(refs).size).toBe(refs.length);
    expect(full.incidents.find((i) => i.source === 'police')!.sourceRef).toMatch(/^5000-K\d+-\d\d$/);
  });

  it('is mostly police, with other sources for the categories they report', () => {
    const police = full.incidents.filter((i) => i.source === 'police').length / full.incidents.length;
    expect(police).toBeGreaterThan(0.6);
    expect(police).toBeLessThan(0.85);
    expect(new Set(full.incidents.map((i) => i.source)).size).toBe(6);
    const nonPolice = new Set(full.incidents.filter((i) => i.source === 'municipality').map((i) => i.category));
    expect(nonPolice.has('klotter')).toBe(true);
    expect(nonPolice.has('misshandel')).toBe(false);
  });

  it('keeps protected categories rare and without place or description', () => {
    const protectedOnes = full.incidents.filter((i) => PROTECTED.has(i.category));
    expect(protectedOnes.length / full.incidents.length).toBeGreaterThan(0.01);
    expect(protectedOnes.length / full.incidents.length).toBeLessThan(0.025);
    expect(protectedOnes.every((i) => i.place === null && i.description === null)).toBe(true);
    expect(full.incidents.filter((i) => i.category === 'skjutning').length).toBeLessThan(30);
  });

  it('concentrates violence and disorder near the centre and station on Friday and Saturday nights', () => {
    const [torget, station] = ['torget', 'station'].map((k) => full.landmarks.find((l) => l.key === k)!);
    const near = (e: number, n: number) => [torget, station].some((l) => Math.hypot(e - l.e, n - l.n) < 600);
    const weekendNight = (iso: string) => {
      const { hour, weekday } = localParts(iso);
      return (hour >= 21 && (weekday === 4 || weekday === 5)) || (hour < 3 && (weekday === 5 || weekday === 6));
    };
    const violent = full.incidents.filter((i) => VIOLENCE_AND_DISORDER.has(i.category) && i.e !== null);
    const share = (list: typeof violent) => list.filter((i) => weekendNight(i.occurredAt)).length / list.length;
    const central = share(violent.filter((i) => near(i.e!, i.n!)));
    const elsewhere = share(violent.filter((i) => !near(i.e!, i.n!)));
    expect(central).toBeGreaterThan(0.4);
    expect(central - elsewhere).toBeGreaterThan(0.2);
  });

  it('has residential burglary mostly on weekday daytime, more in the dark half-year, some with a time span', () => {
    const burglaries = full.incidents.filter((i) => i.category === 'inbrott_bostad');
    const daytime = burglaries.filter((i) => {
      const { hour, weekday } = localParts(i.occurredAt);
      return weekday < 5 && hour >= 8 && hour < 17;
    });
    expect(daytime.length / burglaries.length).toBeGreaterThan(0.45);
    const month = (i: { occurredAt: string }) => Number(i.occurredAt.slice(5, 7));
    const dark = burglaries.filter((i) => [10, 11, 12, 1, 2, 3].includes(month(i))).length;
    expect(dark / burglaries.length).toBeGreaterThan(0.55);
    const spans = burglaries.filter((i) => i.occurredUntil !== null).length / burglaries.length;
    expect(spans).toBeGreaterThan(0.3);
    expect(spans).toBeLessThan(0.8);
  });

  it('has near-repeat burglaries: far more pairs close in space and time than chance gives', () => {
    const points = full.incidents
      .filter((i) => i.category === 'inbrott_bostad' && i.e !== null)
      .map((i) => ({ e: i.e!, n: i.n!, t: Date.parse(i.occurredAt) }));
    let pairs = 0;
    let shuffledPairs = 0;
    const fortnight = 14 * 86_400_000;
    for (let a = 0; a < points.length; a++) {
      for (let b = a + 1; b < points.length; b++) {
        if (Math.hypot(points[a].e - points[b].e, points[a].n - points[b].n) >= 200) continue;
        if (Math.abs(points[a].t - points[b].t) < fortnight) pairs++;
        // The same pair with the time of an unrelated burglary: the chance level.
        if (Math.abs(points[a].t - points[(b * 7919) % points.length].t) < fortnight) shuffledPairs++;
      }
    }
    expect(pairs).toBeGreaterThan(3 * shuffledPairs);
  });

  it('has more outdoor disorder in summer and a dip at Christmas', () => {
    const disorder = full.incidents.filter((i) => i.category === 'ordningsstorning');
    const inMonths = (ms: number[]) => disorder.filter((i) => ms.includes(Number(i.occurredAt.slice(5, 7)))).length;
    expect(inMonths([6, 7, 8])).toBeGreaterThan(1.6 * inMonths([12, 1, 2]));
    const perDay = (days: string[]) => full.incidents.filter((i) => days.includes(i.occurredAt.slice(5, 10))).length / days.length;
    expect(perDay(['12-24', '12-25', '12-26'])).toBeLessThan(0.75 * perDay(['12-10', '12-11', '12-12', '12-13', '12-14', '12-15', '12-16']));
  });

  it('puts vandalism, graffiti and arson near schools in the evening', () => {
    const schools = full.landmarks.filter((l) => l.key.startsWith('skola'));
    const nearSchools = full.incidents.filter(
      (i) => ['skadegorelse', 'klotter', 'brand'].includes(i.category) && i.e !== null && schools.some((s) => Math.hypot(i.e! - s.e, i.n! - s.n) < 250),
    );
    const evening = nearSchools.filter((i) => localParts(i.occurredAt).hour >= 18).length;
    expect(evening / nearSchools.length).toBeGreaterThan(0.6);
  });

  it('rises in Norrbacka and falls in Björkängen between the two years', () => {
    const midpoint = END.getTime() - 365 * 86_400_000;
    const ratio = (key: string) => {
      const ring = full.districts.find((x) => x.key === key)!.ring;
      const located = full.incidents.filter((i) => i.e !== null && inside([i.e, i.n!], ring));
      const first = located.filter((i) => Date.parse(i.occurredAt) < midpoint).length;
      return (located.length - first) / first;
    };
    expect(ratio('norrbacka')).toBeGreaterThan(1.2);
    expect(ratio('bjorkangen')).toBeLessThan(0.85);
    expect(ratio('centrum')).toBeGreaterThan(0.9);
    expect(ratio('centrum')).toBeLessThan(1.1);
  });
});

describe('generateDemo: survey', () => {
  const responses = full.survey.responses;

  it('is last autumn’s trygghetsmätning', () => {
    expect(full.survey.name).toBe('Trygghetsmätning 2025');
    expect(full.survey.conductedFrom).toBe('2025-09-15');
    expect(full.survey.conductedTo).toBe('2025-10-31');
    expect(small(1, new Date('2025-12-15T12:00:00Z')).survey.name).toBe('Trygghetsmätning 2025');
    expect(small(1, new Date('2025-11-15T12:00:00Z')).survey.name).toBe('Trygghetsmätning 2024');
  });

  it('draws respondents from the stadsdelar in proportion to their adult population', () => {
    const adults = (x: DemoDistrict) => x.population - x.populationByAge['0-15'];
    const total = stadsdelar(full).reduce((s, x) => s + adults(x), 0);
    for (const x of stadsdelar(full)) {
      const n = responses.filter((r) => r.districtKey === x.key).length;
      expect(Math.abs(n - (2000 * adults(x)) / total)).toBeLessThanOrEqual(1);
    }
    expect(new Set(responses.map((r) => r.responseRef)).size).toBe(responses.length);
  });

  it('has weights around 1 within [0.5, 2.5]', () => {
    const weights = responses.map((r) => r.weight);
    expect(Math.min(...weights)).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...weights)).toBeLessThanOrEqual(2.5);
    expect(weights.reduce((a, b) => a + b, 0) / weights.length).toBeCloseTo(1, 1);
  });

  it('leaves 2–5 % of each question unanswered', () => {
    const missing = (get: (r: DemoResponse) => unknown) => responses.filter((r) => get(r) === null).length / responses.length;
    for (const get of [(r: DemoResponse) => r.otryggKvall, (r: DemoResponse) => r.avstarAktivitet, (r: DemoResponse) => r.oroBrott, (r: DemoResponse) => r.problems.klotter]) {
      expect(missing(get)).toBeGreaterThan(0.01);
      expect(missing(get)).toBeLessThan(0.06);
    }
  });

  it('has women feeling less safe at night than men', () => {
    const women = weightedOtrygg(responses.filter((r) => r.gender === 'kvinna'));
    const men = weightedOtrygg(responses.filter((r) => r.gender === 'man'));
    expect(women - men).toBeGreaterThan(0.1);
  });

  it('has the oldest answering "går aldrig ut" more often', () => {
    const neverOut = (groups: string[]) => {
      const rs = responses.filter((r) => groups.includes(r.ageGroup) && r.otryggKvall !== null);
      return rs.filter((r) => r.otryggKvall === 5).length / rs.length;
    };
    expect(neverOut(['65-79', '80+'])).toBeGreaterThan(3 * neverOut(['16-19', '20-34', '35-49']));
    expect(weightedOtrygg(responses.filter((r) => r.ageGroup === '80+'))).toBeGreaterThan(weightedOtrygg(responses.filter((r) => r.ageGroup === '35-49')));
  });

  it('plants the säkerhet–trygghet gaps: Solhöjden unsafe with few incidents, Ekdalen safe with many', () => {
    const otrygg = (key: string) => weightedOtrygg(responses.filter((r) => r.districtKey === key));
    const all = weightedOtrygg(responses);
    const rates = stadsdelar(full).map((x) => incidentsPer1000(full, x.key)).sort((a, b) => a - b);
    const median = rates[Math.floor(rates.length / 2)];
    expect(otrygg('solhojden')).toBeGreaterThan(all + 0.05);
    expect(incidentsPer1000(full, 'solhojden')).toBeLessThan(median);
    expect(otrygg('ekdalen')).toBeLessThan(all);
    expect(incidentsPer1000(full, 'ekdalen')).toBeGreaterThan(2 * median);
    expect(otrygg('stationsomradet')).toBeGreaterThan(all);
    const lighting = (key: string) => {
      const rs = responses.filter((r) => r.districtKey === key && r.problems.dalig_belysning !== null);
      return rs.filter((r) => r.problems.dalig_belysning! >= 3).length / rs.length;
    };
    expect(lighting('solhojden')).toBeGreaterThan(2 * lighting('centrum'));
  });
});

describe('generateDemo: marks', () => {
  const marks = full.survey.marks;

  it('has unique references and links about half to existing responses', () => {
    expect(new Set(marks.map((m) => m.markRef)).size).toBe(marks.length);
    const refs = new Set(full.survey.responses.map((r) => r.responseRef));
    const linked = marks.filter((m) => m.responseRef !== null);
    expect(linked.every((m) => refs.has(m.responseRef!))).toBe(true);
    expect(linked.length / marks.length).toBeGreaterThan(0.4);
    expect(linked.length / marks.length).toBeLessThan(0.6);
  });

  it('lies inside the town, mostly in the evening or at night', () => {
    expect(marks.every((m) => districtOf(full, m.e, m.n).length === 1)).toBe(true);
    expect(marks.filter((m) => m.timeOfDay !== 'dag').length / marks.length).toBeGreaterThan(0.8);
    expect(marks.every((m) => m.reasons.length > 0 && new Set(m.reasons).size === m.reasons.length)).toBe(true);
  });

  it('clusters at the park with lighting and vegetation as reasons, and at the station with crowds and drugs', () => {
    const around = (key: string, radius: number) => {
      const l = full.landmarks.find((x) => x.key === key)!;
      return marks.filter((m) => Math.hypot(m.e - l.e, m.n - l.n) < radius);
    };
    const park = around('park', 250);
    const station = around('station', 200);
    expect(park.length).toBeGreaterThan(0.15 * marks.length);
    expect(station.length).toBeGreaterThan(0.15 * marks.length);
    const share = (list: typeof marks, reasons: string[]) => list.filter((m) => m.reasons.some((r) => reasons.includes(r))).length / list.length;
    expect(share(park, ['belysning', 'vegetation'])).toBeGreaterThan(0.9);
    expect(share(station, ['folksamlingar', 'narkotika'])).toBeGreaterThan(0.8);
  });
});

describe('generateDemo: focus areas', () => {
  it('covers every SPEC §4.4 category with valid codes', () => {
    const covered = new Set(full.focusAreas.flatMap((f) => f.categories));
    expect(covered).toEqual(new Set(SPEC_CATEGORIES));
  });

  it('gives each focus area a goal, a responsible body and indicators', () => {
    expect(new Set(full.focusAreas.map((f) => f.code)).size).toBe(full.focusAreas.length);
    for (const f of full.focusAreas) {
      expect(f.goal.length).toBeGreaterThan(20);
      expect(f.responsible).not.toBe('');
      expect(f.indicators.length).toBeGreaterThan(0);
    }
  });
});

describe('generateDemo: a landscape that looks like a town', () => {
  const polygons = (kind: string, name?: string) =>
    full.landscape.filter((f) => f.kind === kind && (!name || f.name === name) && f.geometry.type === 'Polygon').map((f) => (f.geometry as { ring: Ring }).ring);
  const lines = (kind: string) =>
    full.landscape.filter((f) => f.kind === kind && f.geometry.type === 'LineString').map((f) => (f.geometry as { line: Ring }).line);
  /** Distance from p to a polyline, computed independently of the generator. */
  const toLine = (p: [number, number], line: Ring) => {
    let best = Infinity;
    for (let k = 0; k < line.length - 1; k++) {
      const [a, b] = [line[k], line[k + 1]];
      const l2 = (b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2;
      const t = l2 ? Math.max(0, Math.min(1, ((p[0] - a[0]) * (b[0] - a[0]) + (p[1] - a[1]) * (b[1] - a[1])) / l2)) : 0;
      best = Math.min(best, Math.hypot(p[0] - a[0] - t * (b[0] - a[0]), p[1] - a[1] - t * (b[1] - a[1])));
    }
    return best;
  };
  const located = full.incidents.filter((i) => i.e !== null).map((i) => [i.e!, i.n!] as [number, number]);

  it('ships a river, lakes, forest, parks, an industrial area, main roads, a railway and streets', () => {
    const kinds = new Set(full.landscape.map((f) => f.kind));
    expect([...kinds].sort()).toEqual(['forest', 'industrial', 'main_road', 'park', 'railway', 'river', 'street', 'water']);
    // Six local streets a stadsdel; one that meets Lindåssjön is drawn as its two dry parts.
    expect(lines('street').length).toBeGreaterThanOrEqual(12 * 6);
    expect(lines('main_road').length).toBeGreaterThanOrEqual(4);
  });

  it('draws no street across a lake', () => {
    const lakes = polygons('water');
    for (const street of lines('street')) {
      for (let k = 1; k < street.length; k++) {
        // Every 5 m along each drawn segment.
        const [a, b] = [street[k - 1], street[k]];
        const steps = Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / 5);
        for (let j = 0; j <= steps; j++) {
          const p: [number, number] = [a[0] + ((b[0] - a[0]) * j) / steps, a[1] + ((b[1] - a[1]) * j) / steps];
          expect(lakes.some((ring) => inside(p, ring)), `street at ${p}`).toBe(false);
        }
      }
    }
  });

  /** Vertices two districts' rings have in common: their shared boundary. */
  const sharedBoundary = (a: string, b: string) => {
    const [ra, rb] = [a, b].map((key) => full.districts.find((d) => d.key === key)!.ring);
    return ra.slice(0, -1).filter((p) => rb.some((q) => q[0] === p[0] && q[1] === p[1]));
  };
  const named = (kind: string, name: string) => {
    const found = full.landscape.filter((f) => f.kind === kind && f.name === name && f.geometry.type === 'LineString');
    expect(found, `${kind} ${name}`).toHaveLength(1);
    return (found[0].geometry as { line: Ring }).line;
  };
  const followedBy = (pairs: [string, string][], line: Ring) => {
    for (const [a, b] of pairs) {
      const shared = sharedBoundary(a, b);
      expect(shared.length, `${a}|${b}`).toBeGreaterThan(5);
      for (const p of shared) expect(toLine(p, line), `${a}|${b}`).toBeLessThan(1);
    }
  };

  it('lets the river meander along the boundary west of Centrum, through the whole town', () => {
    const [river] = lines('river');
    followedBy([['vastra-hamnen', 'centrum'], ['norrbacka', 'tallmon'], ['lindas', 'solhojden']], river);
    // A meander, not a straight line: the boundary strays from the chord between its ends.
    const shared = [...sharedBoundary('lindas', 'solhojden'), ...sharedBoundary('vastra-hamnen', 'centrum'), ...sharedBoundary('norrbacka', 'tallmon')];
    const es = shared.map((p) => p[0]);
    expect(Math.max(...es) - Math.min(...es)).toBeGreaterThan(300);
  });

  it('runs the railway along the boundary west of Stationsområdet, the kommundel boundary, with the station beside it', () => {
    const railway = named('railway', 'Stambanan');
    followedBy([['centrum', 'stationsomradet'], ['tallmon', 'kvarnbacken'], ['solhojden', 'bjorkangen']], railway);
    const west = full.districts.find((d) => d.key === 'vastra')!.ring;
    const east = full.districts.find((d) => d.key === 'ostra')!.ring;
    const kommundelBoundary = west.filter((p) => east.some((q) => q[0] === p[0] && q[1] === p[1]));
    for (const p of kommundelBoundary) expect(toLine(p, railway)).toBeLessThan(1);
    const station = full.landmarks.find((l) => l.key === 'station')!;
    expect(toLine([station.e, station.n], railway)).toBeLessThan(900);
  });

  it('runs the ring roads along both east–west boundaries and Östra leden along the eastern one', () => {
    followedBy([['vastra-hamnen', 'norrbacka'], ['centrum', 'tallmon'], ['stationsomradet', 'kvarnbacken'], ['ekdalen', 'osterang']], named('main_road', 'Norra ringvägen'));
    followedBy([['lindas', 'vastra-hamnen'], ['solhojden', 'centrum'], ['bjorkangen', 'stationsomradet'], ['hagaberg', 'ekdalen']], named('main_road', 'Södra ringvägen'));
    followedBy([['kvarnbacken', 'osterang'], ['stationsomradet', 'ekdalen'], ['bjorkangen', 'hagaberg']], named('main_road', 'Östra leden'));
  });

  it('gives the town an irregular outline with the Storsjön shore to the west', () => {
    const outline = stadsdelar(full).flatMap((d) => d.ring);
    const es = outline.map((p) => p[0]);
    const ns = outline.map((p) => p[1]);
    const box = (Math.max(...es) - Math.min(...es)) * (Math.max(...ns) - Math.min(...ns));
    const total = stadsdelar(full).reduce((s, x) => s + area(x.ring), 0);
    // A rectangle fills its bounding box; the town leaves its corners to forest and water.
    expect(total / box).toBeLessThan(0.88);
    const [sea] = polygons('water', 'Storsjön');
    const harbour = full.districts.find((d) => d.key === 'vastra-hamnen')!.ring;
    const westmost = harbour.reduce((best, p) => (p[0] < best[0] ? p : best));
    expect(inside([westmost[0] - 40, westmost[1]], sea)).toBe(true);
    expect(inside([westmost[0] + 40, westmost[1]], sea)).toBe(false);
  });

  it('puts no incident and no mark in a lake or the river', () => {
    const lakes = polygons('water');
    const [river] = lines('river');
    const marks = full.survey.marks.map((m) => [m.e, m.n] as [number, number]);
    for (const p of [...located, ...marks]) {
      expect(lakes.some((ring) => inside(p, ring))).toBe(false);
      expect(toLine(p, river)).toBeGreaterThan(30);
    }
    // The lake inside the town really is where points would otherwise fall.
    const lindas = full.districts.find((d) => d.key === 'lindas')!.ring;
    const lake = polygons('water', 'Lindåssjön')[0];
    expect(lake.every((p) => inside(p, lindas))).toBe(true);
  });

  it('places most spread-out incidents along streets and few in forest', () => {
    const streets = [...lines('street'), ...lines('main_road')];
    const nearStreet = (p: [number, number]) => streets.some((s) => toLine(p, s) < 30);
    const share = located.filter(nearStreet).length / located.length;
    // Against ground picked without regard to streets: a 150 m lattice over the stadsdelar.
    const rings = full.districts.filter((d) => d.kind === 'stadsdel').map((d) => d.ring);
    const lattice: [number, number][] = [];
    for (let e = 667_000; e < 681_000; e += 150) for (let n = 6_574_500; n < 6_585_500; n += 150) if (rings.some((r) => inside([e, n], r))) lattice.push([e, n]);
    const baseline = lattice.filter(nearStreet).length / lattice.length;
    expect(share).toBeGreaterThan(baseline + 0.2);
    const forests = polygons('forest');
    const inForest = located.filter((p) => forests.some((ring) => inside(p, ring))).length;
    expect(inForest / located.length).toBeLessThan(0.01);
  });

  it('still concentrates: the top 5 % of 200 m cells hold about half of the incidents', () => {
    const cells = new Map<string, number>();
    for (const [e, n] of located) {
      const key = `${Math.floor(e / 200)},${Math.floor(n / 200)}`;
      cells.set(key, (cells.get(key) ?? 0) + 1);
    }
    const counts = [...cells.values()].sort((a, b) => b - a);
    const top = counts.slice(0, Math.ceil(counts.length * 0.05)).reduce((s, c) => s + c, 0);
    expect(top / located.length).toBeGreaterThan(0.35);
    expect(top / located.length).toBeLessThan(0.7);
  });
});
