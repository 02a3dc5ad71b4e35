import { describe, expect, it } from 'vitest';
import { readSurveyMarks, readSurveyResponses } from '../../../../server/features/imports/survey-rows.ts';
import { bytesOf } from '../../../../server/features/imports/text-decoding.ts';
import { collect } from './import-test-data.ts';

const responses = (text: string) => collect(readSurveyResponses(bytesOf(Buffer.from(text))));
const marks = (text: string, fileName?: string) => collect(readSurveyMarks(bytesOf(Buffer.from(text)), { fileName }));

describe('survey responses', () => {
  const header = 'response_id;district;gender;age_group;weight;otrygg_kvall;avstar_aktivitet;oro_brott;problem_klotter;problem_dalig_belysning';

  it('reads a full response with decimal-comma weight', async () => {
    const [result] = await responses(`${header}\nR1;Centrum;kvinna;16-19;1,25;3;ja;2;4;1\n`);
    expect(result).toEqual({
      ok: true,
      response: {
        row: 1,
        response_id: 'R1',
        district: 'Centrum',
        point: null,
        gender: 'kvinna',
        age_group: '16-19',
        weight: 1.25,
        answers: { otrygg_kvall: 3, avstar_aktivitet: true, oro_brott: 2, problem_klotter: 4, problem_dalig_belysning: 1 },
      },
    });
  });

  it('leaves missing answers out and reads an empty gender as uppgift_saknas', async () => {
    const [result] = await responses(`${header}\nR1;;;;;5;;;;\n`);
    expect(result).toMatchObject({ ok: true, response: { gender: 'uppgift_saknas', age_group: null, weight: null, answers: { otrygg_kvall: 5 } } });
  });

  it('accepts barn_<age> groups', async () => {
    const [result] = await responses(`${header}\nR1;;man;barn_12;;1;nej;;;\n`);
    expect(result).toMatchObject({ ok: true, response: { age_group: 'barn_12', answers: { avstar_aktivitet: false } } });
  });

  it('reads coordinates instead of a district', async () => {
    const [result] = await responses('response_id,lat,lon,otrygg_kvall\nR1,"59,33","18,07",2\n');
    expect(result).toMatchObject({ ok: true, response: { point: { x: 18.07, y: 59.33, srid: 4326 } } });
  });

  it.each([
    ['otrygg_kvall', 'R1;;kvinna;16-19;;6;;;;', /1–5/],
    ['oro_brott', 'R1;;kvinna;16-19;;;;5;;', /1–4/],
    ['problem_klotter', 'R1;;kvinna;16-19;;;;;0;', /1–4/],
    ['avstar_aktivitet', 'R1;;kvinna;16-19;;;kanske;;;', /ja eller nej/],
    ['gender', 'R1;;flygplan;16-19;;1;;;;', /okänt kön/],
    ['age_group', 'R1;;kvinna;15-18;;1;;;;', /åldersgrupp/],
    ['weight', 'R1;;kvinna;16-19;0;1;;;;', /större än 0/],
    ['weight', 'R1;;kvinna;16-19;NaN;1;;;;', /tal/],
  ])('rejects a bad %s', async (field, row, message) => {
    const [result] = await responses(`${header}\n${row}\n`);
    expect(result).toEqual({ ok: false, errors: [{ row: 1, field, message: expect.stringMatching(message) }] });
  });

  it('rejects a repeated response_id', async () => {
    const results = await responses(`${header}\nR1;;;;;1;;;;\nR1;;;;;2;;;;\n`);
    expect(results[1]).toMatchObject({ ok: false, errors: [{ row: 2, field: 'response_id' }] });
  });

  it('rejects an unknown problem item as a file error', async () => {
    await expect(responses('response_id;problem_hundbajs\nR1;2\n')).rejects.toMatchObject({ code: 'UNKNOWN_COLUMN' });
  });

  it('requires response_id', async () => {
    await expect(responses('gender;otrygg_kvall\nman;2\n')).rejects.toMatchObject({ code: 'MISSING_COLUMNS' });
  });
});

describe('survey marks', () => {
  it('reads a CSV mark with reasons and time of day', async () => {
    const [result] = await marks('mark_id;response_id;lat;lon;reasons;time_of_day;comment\nM1;R1;59,33;18,07;belysning|vegetation;kväll;Mörk gångtunnel\n');
    expect(result).toEqual({
      ok: true,
      mark: { row: 1, mark_id: 'M1', response_id: 'R1', point: { x: 18.07, y: 59.33, srid: 4326 }, reasons: ['belysning', 'vegetation'], time_of_day: 'kvall', comment: 'Mörk gångtunnel' },
    });
  });

  it('reads GeoJSON marks', async () => {
    const json = JSON.stringify({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [18.07, 59.33] }, properties: { mark_id: 'M1', reasons: 'ode_plats', time_of_day: 'natt' } }],
    });
    const [result] = await marks(json, 'marks.geojson');
    expect(result).toMatchObject({ ok: true, mark: { mark_id: 'M1', reasons: ['ode_plats'], time_of_day: 'natt' } });
  });

  it('rejects an unknown reason and a mark without a place', async () => {
    const results = await marks('mark_id;lat;lon;reasons\nM1;59.3;18.0;belysning|hundar\nM2;;;trafik\n');
    expect(results).toEqual([
      { ok: false, errors: [expect.objectContaining({ row: 1, field: 'reasons', message: expect.stringMatching(/hundar/) })] },
      { ok: false, errors: [expect.objectContaining({ row: 2, field: 'geometry' })] },
    ]);
  });

  it('rejects a bad time of day', async () => {
    const [result] = await marks('mark_id;lat;lon;time_of_day\nM1;59.3;18.0;morgon\n');
    expect(result).toMatchObject({ ok: false, errors: [{ field: 'time_of_day' }] });
  });
});
