import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollbackImportBatch } from '../../../../server/features/imports/import-batches.service.ts';
import { importSurvey, type SurveyImportInput } from '../../../../server/features/imports/survey-import.service.ts';
import { bytesOf } from '../../../../server/features/imports/text-decoding.ts';
import { createDistrict, createMunicipality, ORIGIN } from '../../../helpers/factories.ts';
import { createTestDatabase, testBackends, type TestDatabase } from '../../../helpers/test-db.ts';

const ne = (dx: number, dy: number) => `${ORIGIN.n + dy};${ORIGIN.e + dx}`;
const HEADER = 'response_id;district;n;e;gender;age_group;weight;otrygg_kvall;avstar_aktivitet;oro_brott;problem_klotter';

for (const backend of testBackends()) {
  describe(`survey import (${backend})`, () => {
    let t: TestDatabase;
    const m = '0999';
    let north: number;
    let south: number;

    beforeAll(async () => {
      t = await createTestDatabase(backend);
      await createMunicipality(t.db, m);
      south = await createDistrict(t.db, { municipality: m, name: 'Söder', x: 0, y: 0, size: 1000 });
      north = await createDistrict(t.db, { municipality: m, name: 'Norr', x: 0, y: 1000, size: 1000 });
    });
    afterAll(async () => t?.destroy());

    const run = (responses: string, marks?: string, extra: Partial<SurveyImportInput> = {}) =>
      importSurvey(t.db, {
        municipality: m,
        survey: 'Trygghetsmätning 2024',
        responses: { bytes: bytesOf(Buffer.from(responses)), fileName: 'svar.csv' },
        marks: marks === undefined ? undefined : { bytes: bytesOf(Buffer.from(marks)), fileName: 'marks.csv' },
        createdBy: 'test',
        ...extra,
      });
    const response = async (ref: string) =>
      (await sql<Record<string, unknown>>`SELECT district_id, gender, age_group, weight, otrygg_kvall, avstar_aktivitet, oro_brott, problems FROM survey_response WHERE response_ref = ${ref}`.execute(t.db)).rows[0];

    it('links responses by district name, id and coordinates and stores the answers', async () => {
      const summary = await run(
        `${HEADER}\nR1;söder;;;kvinna;16-19;1,5;3;ja;2;4\nR2;${north};;;man;80+;;1;nej;;\nR3;;${ne(500, 1500)};annat;barn_12;;5;;;\nR4;;;;;;;2;;;\n`,
      );
      expect(summary).toMatchObject({ accepted: 4, unlocated: 1, rejected: 0, responses: { accepted: 4 } });
      expect(await response('R1')).toMatchObject({ district_id: south, gender: 'kvinna', age_group: '16-19', weight: 1.5, otrygg_kvall: 3, avstar_aktivitet: true, oro_brott: 2, problems: { klotter: 4 } });
      expect(await response('R2')).toMatchObject({ district_id: north, weight: 1 });
      expect(await response('R3')).toMatchObject({ district_id: north, age_group: 'barn_12' });
      expect(await response('R4')).toMatchObject({ district_id: null, gender: 'uppgift_saknas' });
    });

    it('holds mark comments for moderation and links marks to districts', async () => {
      const summary = await run(`${HEADER}\nR1;söder;;;kvinna;16-19;1,5;3;ja;2;4\n`, `mark_id;response_id;n;e;reasons;time_of_day;comment\nM1;R1;${ne(100, 100)};belysning|vegetation;kväll;Mörk tunnel\nM2;;${ne(100, 1100)};trafik;dag;\n`);
      expect(summary).toMatchObject({ marks: { accepted: 2 }, responses: { unchanged: 1 } });
      const marks = (await sql<{ mark_ref: string; district_id: number; reasons: string[]; comment_status: string }>`SELECT mark_ref, district_id, reasons, comment_status FROM survey_mark ORDER BY mark_ref`.execute(t.db)).rows;
      expect(marks).toEqual([
        { mark_ref: 'M1', district_id: south, reasons: ['belysning', 'vegetation'], comment_status: 'pending' },
        { mark_ref: 'M2', district_id: north, reasons: ['trafik'], comment_status: 'none' },
      ]);
    });

    it('rejects an unknown district and a mark for an unknown response, nothing written', async () => {
      const summary = await run(`${HEADER}\nR9;Atlantis;;;;;;1;;;\n`, `mark_id;response_id;n;e;reasons\nM9;R404;${ne(100, 100)};trafik\n`);
      expect(summary).toMatchObject({ written: false, rejected: 2 });
      expect(summary.errors).toEqual([
        expect.objectContaining({ row: 1, field: 'district', message: expect.stringMatching(/Atlantis/) }),
        expect.objectContaining({ row: 1, field: 'marks.response_id', message: expect.stringMatching(/^Markeringsfilen: /) }),
      ]);
      expect(await response('R9')).toBeUndefined();
    });

    it('updates a changed answer and rolls it back', async () => {
      const changed = await run(`${HEADER}\nR1;söder;;;kvinna;16-19;1,5;4;ja;2;4\n`);
      expect(changed).toMatchObject({ updated: 1 });
      expect(await response('R1')).toMatchObject({ otrygg_kvall: 4 });
      await rollbackImportBatch(t.db, changed.batch!);
      expect(await response('R1')).toMatchObject({ otrygg_kvall: 3, weight: 1.5 });
    });

    it('rejects a file-level problem with a summary', async () => {
      const summary = await run('gender;otrygg_kvall\nman;2\n');
      expect(summary).toMatchObject({ written: false, errors: [expect.objectContaining({ row: 0, field: 'response_id' })] });
    });
  });
}
