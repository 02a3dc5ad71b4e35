import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeIndicators } from '../../../../server/features/surveys/survey-indicators.ts';
import type { ResponseRow } from '../../../../server/features/surveys/surveys.queries.ts';
import type { Db } from '../../../../server/infra/db.ts';
import { createDistrict, createMunicipality } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

const response = (r: Partial<ResponseRow>): ResponseRow => ({
  district_id: null, gender: null, age_group: null, weight: 1, otrygg_kvall: null, avstar_aktivitet: null, oro_brott: null, problems: {}, ...r,
});

/** Wilson 95 % interval written out from the textbook formula, independently of server/stats. */
function wilson(p: number, n: number) {
  const z = 1.959963984540054;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return { low: centre - half, high: centre + half };
}

describe('survey indicators (worked examples)', () => {
  const answers = [1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 5, 5];
  const rows = answers.map((v) => response({ otrygg_kvall: v }));

  it('computes otrygg as answers 3–4 over 1–4, leaving "går aldrig ut" out: 6 of 16', () => {
    const r = computeIndicators(rows).otrygg;
    expect(r.share).toBeCloseTo(6 / 16, 12);
    expect(r.n).toBe(16);
    expect(r.low).toBeCloseTo(wilson(6 / 16, 16).low, 12);
    expect(r.high).toBeCloseTo(wilson(6 / 16, 16).high, 12);
    // By hand: centre 0.39920, half-width 0.21439.
    expect(r.low).toBeCloseTo(0.1848, 3);
    expect(r.high).toBeCloseTo(0.6136, 3);
  });

  it('computes går aldrig ut as answer 5 over 1–5: 4 of 20', () => {
    expect(computeIndicators(rows).gar_aldrig_ut).toMatchObject({ share: 0.2, n: 20, suppressed: false });
  });

  it('weights shares and uses the Kish effective n: 5 × weight 2 ja, 5 × weight 1 nej gives 2/3 on n_eff 9', () => {
    const weighted = [
      ...Array.from({ length: 5 }, () => response({ avstar_aktivitet: true, weight: 2 })),
      ...Array.from({ length: 5 }, () => response({ avstar_aktivitet: false, weight: 1 })),
    ];
    const r = computeIndicators(weighted).avstar_aktivitet;
    expect(r.share).toBeCloseTo(2 / 3, 12);
    expect(r.n).toBe(10);
    expect(r.n_eff).toBeCloseTo(9, 12);
    expect(r.low).toBeCloseTo(wilson(2 / 3, 9).low, 12);
  });

  it('computes a problem item as 3–4 over 1–4 and suppresses items with fewer than 10 answers', () => {
    const mixed = Array.from({ length: 12 }, (_, k) => response({ problems: { klotter: (k % 4) + 1, ...(k < 5 ? { narkotika: 4 } : {}) } }));
    const r = computeIndicators(mixed).problems;
    expect(r.klotter.share).toBeCloseTo(6 / 12, 12);
    expect(r.narkotika).toMatchObject({ share: null, suppressed: true });
  });

  it('computes the trygghetsindex and problemindex on the 0–6 scale (worked example)', () => {
    // Each respondent: otrygg_kvall 2 → 2, oro_brott 3 → 4, avstår nej → 0: mean 2 (medium).
    // Problems klotter 4 → 6 and narkotika 2 → 2: mean 4 (high).
    const same = Array.from({ length: 10 }, () => response({ otrygg_kvall: 2, oro_brott: 3, avstar_aktivitet: false, problems: { klotter: 4, narkotika: 2 } }));
    const r = computeIndicators(same);
    expect(r.trygghetsindex).toMatchObject({ value: 2, level: 'medium', n: 10 });
    expect(r.problemindex).toMatchObject({ value: 4, level: 'high', n: 10 });
    expect(r.oro_brott.share).toBe(1);
  });

  it('leaves a går-aldrig-ut answer out of the trygghetsindex', () => {
    const r = computeIndicators(Array.from({ length: 10 }, () => response({ otrygg_kvall: 5, oro_brott: 1 })));
    expect(r.trygghetsindex.value).toBe(0);
  });
});

async function createSurvey(db: Db, municipality: string, name: string, rows: { district: number | null; gender: string; age: string; otrygg: number; weight?: number }[]) {
  const s = await sql<{ id: number }>`INSERT INTO survey (municipality_code, name, conducted_to) VALUES (${municipality}, ${name}, '2025-06-01') RETURNING id`.execute(db);
  const id = s.rows[0].id;
  let k = 0;
  for (const r of rows) {
    await sql`INSERT INTO survey_response (municipality_code, survey_id, response_ref, district_id, gender, age_group, weight, otrygg_kvall, avstar_aktivitet, problems)
              VALUES (${municipality}, ${id}, ${`r${++k}`}, ${r.district}, ${r.gender}, ${r.age}, ${r.weight ?? 1}, ${r.otrygg}, ${r.otrygg >= 3}, ${JSON.stringify({ klotter: r.otrygg === 5 ? 4 : r.otrygg })}::jsonb)`.execute(db);
  }
  return id;
}

for (const backend of testBackends()) {
  describe(`survey routes (${backend})`, () => {
    let t: TestApp;
    let surveyId: number;
    let north: number;
    let south: number;
    const get = (url: string) => t.app.inject({ method: 'GET', url });

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      const m = await createMunicipality(db);
      const parent = await createDistrict(db, { municipality: m, name: 'Centrum', kind: 'kommundel', x: 0, y: 0, size: 2000 });
      north = await createDistrict(db, { municipality: m, name: 'Norr', kind: 'stadsdel', parentId: parent, x: 0, y: 1000, size: 1000 });
      south = await createDistrict(db, { municipality: m, name: 'Söder', kind: 'stadsdel', parentId: parent, x: 0, y: 0, size: 1000 });
      const rows = [
        // Norr: 12 women (4 otrygg of 12), 12 men (none otrygg); Söder: 5 women only (suppressed group).
        ...Array.from({ length: 12 }, (_, k) => ({ district: north, gender: 'kvinna', age: '20-34', otrygg: k < 4 ? 3 : 1 })),
        ...Array.from({ length: 12 }, () => ({ district: north, gender: 'man', age: '35-49', otrygg: 2 })),
        ...Array.from({ length: 5 }, () => ({ district: south, gender: 'kvinna', age: '16-19', otrygg: 4 })),
      ];
      surveyId = await createSurvey(db, m, 'Trygghetsmätning 2025', rows);
    });
    afterAll(async () => t?.close());

    it('lists surveys with their response counts', async () => {
      const res = await get('/api/surveys');
      expect(res.statusCode).toBe(200);
      expect(res.json().surveys).toEqual([expect.objectContaining({ id: surveyId, name: 'Trygghetsmätning 2025', responses: 29, marks: 0 })]);
    });

    it('answers overall indicators with definitions', async () => {
      const res = await get(`/api/surveys/${surveyId}/indicators`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.overall.n).toBe(29);
      expect(body.overall.indicators.otrygg.share).toBeCloseTo(9 / 29, 12);
      expect(body.definitions.trygghetsindex).toContain('0–6');
      expect(body.groups).toEqual([]);
    });

    type Group = { key: { district_id: number; gender: string; age_group: string }; n: number | null; suppressed: boolean; indicators: { otrygg: { share: number } } | null };

    it('breaks down by district and gender, suppressing groups with n < 10', async () => {
      const body = (await get(`/api/surveys/${surveyId}/indicators?by=district,gender`)).json();
      expect(body.groups).toHaveLength(3);
      const small = body.groups.find((g: Group) => g.key.district_id === south);
      expect(small).toMatchObject({ n: null, suppressed: true, indicators: null });
      // The overall n (29) minus the visible groups would give the Söder group away, so one Norr group
      // is hidden with it; then Norr's own total (24, published by by=district) would give that one away,
      // so the other Norr group is hidden too.
      expect(body.groups.every((g: Group) => g.suppressed && g.n === null && g.indicators === null)).toBe(true);
      expect(body.overall.n).toBe(29);
    });

    it('never leaves a lone hidden group in any margin another query publishes', async () => {
      const byTwo = (await get(`/api/surveys/${surveyId}/indicators?by=district,gender`)).json().groups as Group[];
      const byDistrict = (await get(`/api/surveys/${surveyId}/indicators?by=district`)).json().groups as Group[];
      const byGender = (await get(`/api/surveys/${surveyId}/indicators?by=gender`)).json().groups as Group[];
      const margins: [Group[], (g: Group) => unknown][] = [
        [byTwo, () => 'all'], [byTwo, (g) => g.key.district_id], [byTwo, (g) => g.key.gender],
        [byDistrict, () => 'all'], [byGender, () => 'all'],
      ];
      for (const [groups, marginOf] of margins) {
        const byMargin = new Map<unknown, Group[]>();
        for (const g of groups) byMargin.set(marginOf(g), [...(byMargin.get(marginOf(g)) ?? []), g]);
        for (const members of byMargin.values()) {
          if (members.length > 1) expect(members.filter((g) => g.suppressed).length).not.toBe(1);
        }
      }
    });

    it('rolls districts up to a coarser level', async () => {
      const body = (await get(`/api/surveys/${surveyId}/indicators?by=district&level=kommundel`)).json();
      expect(body.groups).toHaveLength(1);
      expect(body.groups[0]).toMatchObject({ n: 29, key: { district_name: 'Centrum' } });
    });

    it('publishes group sizes that never add up to the overall n when a group is hidden (property)', async () => {
      const body = (await get(`/api/surveys/${surveyId}/indicators?by=age_group`)).json();
      const visible = body.groups.reduce((s: number, g: { n: number | null }) => s + (g.n ?? 0), 0);
      const hidden = body.groups.filter((g: { suppressed: boolean }) => g.suppressed).length;
      // 16-19 has 5 answers; 20-34 and 35-49 have 12 each: one of them is hidden as its complement.
      expect(hidden).toBe(2);
      expect(visible).toBe(12);
      expect(body.overall.n - visible).toBe(17);
    });

    it.each([
      ['by=district,district', 'by'], ['by=income', 'by'], ['level=kvarter', 'level'], ['bogus=1', 'bogus'],
      ['by=%27%3BDROP%20TABLE%20survey', 'by'], ['municipality=abc', 'municipality'],
    ])('answers 400 naming the parameter for %s', async (qs, field) => {
      const res = await get(`/api/surveys/${surveyId}/indicators?${qs}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('answers 404 for an unknown survey and 400 for a non-numeric id', async () => {
      expect((await get('/api/surveys/999999/indicators')).statusCode).toBe(404);
      expect((await get('/api/surveys/abc/indicators')).statusCode).toBe(400);
    });
  });
}
