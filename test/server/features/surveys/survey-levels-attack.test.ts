import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../../server/infra/db.ts';
import { createDistrict, createMunicipality } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

type Group = { key: { district_id?: number | null; gender?: string | null }; n: number | null; suppressed: boolean; indicators: { otrygg: { share: number | null; n: number | null } } | null };

async function addResponses(db: Db, municipality: string, surveyId: number, district: number, count: number, gender: (k: number) => string, otrygg: (k: number) => number) {
  for (let k = 0; k < count; k++) {
    await sql`INSERT INTO survey_response (municipality_code, survey_id, response_ref, district_id, gender, age_group, weight, otrygg_kvall)
              VALUES (${municipality}, ${surveyId}, ${`d${district}-${k}`}, ${district}, ${gender(k)}, '35-49', 1, ${otrygg(k)})`.execute(db);
  }
}

/**
 * An attacker with no sign-in reads the same survey at every district level. A survey table protects
 * its own groups, but a stadsdel's group is the sum of its områden's (here: a kommundel's is the sum of
 * its stadsdelar's), so `level=kommundel` minus the visible stadsdelar gives a lone hidden stadsdel away.
 */
for (const backend of testBackends()) {
  describe(`survey indicators across district levels (${backend})`, () => {
    let t: TestApp;
    let surveyId: number;
    const parentOf = new Map<number, number>();
    let small: number;
    let west: number;
    let bigWest: number;

    const table = async (qs: string): Promise<Group[]> => {
      const res = await t.app.inject({ method: 'GET', url: `/api/surveys/${surveyId}/indicators?${qs}` });
      expect(res.statusCode).toBe(200);
      return res.json().groups;
    };

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      const m = await createMunicipality(db);
      west = await createDistrict(db, { municipality: m, name: 'Väster', kind: 'kommundel', x: 0, y: 0, size: 4000 });
      const east = await createDistrict(db, { municipality: m, name: 'Öster', kind: 'kommundel', x: 4000, y: 0, size: 4000 });
      bigWest = await createDistrict(db, { municipality: m, name: 'Åsen', kind: 'stadsdel', parentId: west, x: 0, y: 0, size: 2000 });
      small = await createDistrict(db, { municipality: m, name: 'Lillby', kind: 'stadsdel', parentId: west, x: 2000, y: 0, size: 2000 });
      const eastSmall = await createDistrict(db, { municipality: m, name: 'Bäcken', kind: 'stadsdel', parentId: east, x: 4000, y: 0, size: 2000 });
      const eastBig = await createDistrict(db, { municipality: m, name: 'Höjden', kind: 'stadsdel', parentId: east, x: 6000, y: 0, size: 2000 });
      for (const [child, parent] of [[bigWest, west], [small, west], [eastSmall, east], [eastBig, east]]) parentOf.set(child, parent);
      const s = await sql<{ id: number }>`INSERT INTO survey (municipality_code, name, conducted_to) VALUES (${m}, 'Nivåer', '2025-06-01') RETURNING id`.execute(db);
      surveyId = s.rows[0].id;
      // Lillby: 5 answers, all otrygg (the group to protect). Bäcken is the smallest other stadsdel (12), so
      // a table protected on its own hides Bäcken as Lillby's complement, and Väster (35) − Åsen (30) = Lillby.
      const half = (k: number) => (k % 2 ? 'kvinna' : 'man');
      await addResponses(db, m, surveyId, bigWest, 30, half, (k) => (k < 6 ? 3 : 1));
      await addResponses(db, m, surveyId, small, 5, half, () => 4);
      await addResponses(db, m, surveyId, eastSmall, 12, half, () => 2);
      await addResponses(db, m, surveyId, eastBig, 40, half, (k) => (k < 10 ? 4 : 1));
    });
    afterAll(async () => t?.close());

    it('does not let a kommundel minus its visible stadsdelar give a hidden stadsdel away (count and share)', async () => {
      const stadsdelar = await table('by=district&level=stadsdel');
      const kommundelar = await table('by=district&level=kommundel');
      expect(stadsdelar.find((g) => g.key.district_id === small)).toMatchObject({ suppressed: true, n: null });
      const westGroup = kommundelar.find((g) => g.key.district_id === west)!;
      const siblings = stadsdelar.filter((g) => parentOf.get(g.key.district_id!) === west && g.key.district_id !== small);
      // The attack needs the kommundel and every sibling visible: Väster's n (and otrygg count) minus theirs is Lillby's.
      const attackable = !westGroup.suppressed && siblings.every((g) => !g.suppressed);
      expect(attackable).toBe(false);
    });

    it.each(['by=district', 'by=district,gender'])('never leaves exactly one hidden group in a kommundel and its stadsdelar (%s)', async (by) => {
      const fine = await table(`${by}&level=stadsdel`);
      const raw = await table(by);
      const coarse = await table(`${by}&level=kommundel`);
      for (const parent of coarse) {
        const children = fine.filter((g) => parentOf.get(g.key.district_id!) === parent.key.district_id && (g.key.gender ?? null) === (parent.key.gender ?? null));
        const hidden = [parent, ...children].filter((g) => g.suppressed).length;
        expect(hidden).not.toBe(1);
      }
      // Responses sit on stadsdelar: the table without a level is the same groups and must hide the same.
      expect(raw.map((g) => [g.key.district_id, g.key.gender ?? null, g.suppressed]).sort()).toEqual(fine.map((g) => [g.key.district_id, g.key.gender ?? null, g.suppressed]).sort());
      // And within each table, no margin with exactly one hidden group (overall, per district, per gender).
      for (const groups of [fine, coarse]) {
        const margins = new Map<string, Group[]>();
        for (const g of groups) {
          for (const m of ['all', `d${g.key.district_id}`, `g${g.key.gender ?? ''}`]) margins.set(m, [...(margins.get(m) ?? []), g]);
        }
        for (const members of margins.values()) if (members.length > 1) expect(members.filter((g) => g.suppressed).length).not.toBe(1);
      }
    });

    it('hides no more than the relations need: the other kommundel keeps a visible stadsdel', async () => {
      const fine = await table('by=district&level=stadsdel');
      expect(fine.filter((g) => !g.suppressed).map((g) => g.n)).toContain(40);
    });
  });
}
