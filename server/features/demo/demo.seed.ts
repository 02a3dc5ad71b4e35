import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../infra/db.ts';
import { multiPolygon3006FromGeoJson } from '../../infra/postgis.ts';
import { finestDistrictIdSql } from '../districts/districts.queries.ts';
import { insertIncidents, type IncidentInsert } from '../incidents/incidents.queries.ts';
import { seedDemoPromisesAndSiteChecks } from '../citizen-promises/promises.demo.ts';
import { generateDemo, type DemoData } from './demo-data.ts';
import { removeCouncils, seedDemoMeetings } from '../meetings/meetings.demo.ts';

const INSERT_CHUNK = 5000;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Whether any municipality exists: the demo is seeded only on an empty database. */
export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  const row = await db.selectFrom('municipality').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return row.n === 0;
}

/**
 * Seeds the fictional demo municipality in one transaction: districts, focus areas, two years of
 * incidents ending at endDate, a trygghetsmätning and unsafe-place marks. Returns what was written.
 */
export async function seedDemo(db: Db, options: { endDate: Date; seed?: number; incidentCount?: number }) {
  const data = generateDemo({ endDate: options.endDate, seed: options.seed, incidentCount: options.incidentCount });
  const written = await db.transaction().execute((trx) => writeDemo(trx, data));
  // PGlite has no autovacuum: without fresh statistics the planner guesses one row and sorts 40,000.
  await sql`ANALYZE district, incident, survey_response, survey_mark`.execute(db);
  await seedDemoMeetings(db, { endDate: options.endDate });
  return written;
}

async function writeDemo(db: Db, data: DemoData) {
  const code = data.municipality.code;
  await db.insertInto('municipality').values({ code, name: data.municipality.name, is_demo: true }).execute();
  const batch = await db
    .insertInto('import_batch')
    .values({ municipality_code: code, kind: 'demo', file_name: null, created_by: 'demo', summary: JSON.stringify({ seed: 'demo' }) })
    .returning('id')
    .executeTakeFirstOrThrow();

  const districtIds = new Map<string, number>();
  for (const kind of ['kommundel', 'stadsdel'] as const) {
    for (const d of data.districts.filter((x) => x.kind === kind)) {
      const geojson = JSON.stringify({ type: 'Polygon', coordinates: [d.ring] });
      const row = await sql<{ id: number }>`
        INSERT INTO district (municipality_code, external_id, name, kind, parent_id, population, population_by_gender, population_by_age, geom, batch_id)
        VALUES (${code}, ${d.key}, ${d.name}, ${d.kind}, ${d.parentKey ? districtIds.get(d.parentKey)! : null}, ${d.population},
                ${JSON.stringify(d.populationByGender)}::jsonb, ${JSON.stringify(d.populationByAge)}::jsonb,
                ${multiPolygon3006FromGeoJson(geojson, 3006)}, ${batch.id})
        RETURNING id`.execute(db);
      districtIds.set(d.key, row.rows[0].id);
    }
  }

  const landscape = data.landscape.map((f) => ({
    kind: f.kind,
    name: f.name,
    geojson: JSON.stringify(f.geometry.type === 'Polygon' ? { type: 'Polygon', coordinates: [f.geometry.ring] } : { type: 'LineString', coordinates: f.geometry.line }),
  }));
  await sql`
    INSERT INTO basemap_feature (municipality_code, kind, name, geom)
    SELECT ${code}, f.kind, f.name, ST_SetSRID(ST_GeomFromGeoJSON(f.geojson), 3006)
      FROM jsonb_to_recordset(${JSON.stringify(landscape)}::jsonb) AS f(kind text, name text, geojson text)`.execute(db);

  for (const [i, f] of data.focusAreas.entries()) {
    const row = await db
      .insertInto('focus_area')
      .values({ municipality_code: code, code: f.code, name_sv: f.nameSv, name_en: f.nameEn, goal: f.goal, responsible: f.responsible, indicators: JSON.stringify(f.indicators), sort_order: i })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (f.categories.length) {
      await db.insertInto('focus_area_category').values(f.categories.map((c) => ({ municipality_code: code, focus_area_id: row.id, category_code: c }))).execute();
    }
  }

  const incidents: IncidentInsert[] = data.incidents.map((i) => {
    const row = {
      source: i.source, source_ref: i.sourceRef, category_code: i.category, source_category: null,
      occurred_at: i.occurredAt, occurred_until: i.occurredUntil, x: i.e, y: i.n, place: i.place, description: i.description,
    };
    return { ...row, content_hash: createHash('sha256').update(JSON.stringify(row)).digest('hex').slice(0, 32) };
  });
  for (const part of chunks(incidents, INSERT_CHUNK)) await insertIncidents(db, code, part, batch.id);

  const survey = await db
    .insertInto('survey')
    .values({ municipality_code: code, name: data.survey.name, kind: 'trygghetsmatning', conducted_from: data.survey.conductedFrom, conducted_to: data.survey.conductedTo, batch_id: batch.id })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const part of chunks(data.survey.responses, INSERT_CHUNK)) {
    await db
      .insertInto('survey_response')
      .values(part.map((r) => ({
        municipality_code: code, survey_id: survey.id, response_ref: r.responseRef, district_id: districtIds.get(r.districtKey) ?? null,
        gender: r.gender, age_group: r.ageGroup, weight: r.weight, otrygg_kvall: r.otryggKvall, avstar_aktivitet: r.avstarAktivitet,
        oro_brott: r.oroBrott, problems: JSON.stringify(r.problems), extra_answers: '{}', batch_id: batch.id,
      })))
      .execute();
  }
  for (const part of chunks(data.survey.marks, INSERT_CHUNK)) {
    const rows = part.map((m) => ({
      mark_ref: m.markRef, response_ref: m.responseRef, x: m.e, y: m.n, reasons: m.reasons, time_of_day: m.timeOfDay,
      comment: m.comment, comment_status: m.comment ? 'pending' : 'none',
    }));
    await sql`
      INSERT INTO survey_mark (municipality_code, survey_id, mark_ref, response_ref, geom, district_id, reasons, time_of_day, comment, comment_status, batch_id)
      SELECT ${code}, ${survey.id}::bigint, r.mark_ref, r.response_ref, g.geom, ${finestDistrictIdSql(code, sql`g.geom`)},
             ARRAY(SELECT jsonb_array_elements_text(r.reasons)), r.time_of_day, r.comment, r.comment_status, ${batch.id}::bigint
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(mark_ref text, response_ref text, x float8, y float8, reasons jsonb, time_of_day text, comment text, comment_status text)
       CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(r.x, r.y), 3006) AS geom) g`.execute(db);
  }
  await seedDemoPromisesAndSiteChecks(db, code, districtIds, data.landmarks);
  await db
    .updateTable('import_batch')
    .set({ accepted: incidents.length, unlocated: incidents.filter((i) => i.x === null).length })
    .where('municipality_code', '=', code)
    .where('id', '=', batch.id)
    .execute();
  return {
    municipality: code,
    districts: districtIds.size,
    incidents: incidents.length,
    responses: data.survey.responses.length,
    marks: data.survey.marks.length,
  };
}

/** Removes the demo municipality and everything that belongs to it (for `lagesbild demo --reset`). */
export async function removeDemo(db: Db): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const demos = await trx.selectFrom('municipality').select('code').where('is_demo', '=', true).execute();
    for (const { code } of demos) {
      for (const table of [
        'meeting_snapshot', 'citizen_promise_indicator', 'citizen_promise_commitment', 'action', 'priority', 'citizen_promise',
        'meeting', 'site_check', 'situation_report', 'survey_mark', 'survey_response', 'survey', 'incident_revision', 'incident',
        'focus_area_category', 'focus_area', 'category_mapping', 'import_batch', 'basemap_feature',
      ] as const) {
        await trx.deleteFrom(table).where('municipality_code', '=', code).execute();
      }
      await removeCouncils(trx, code);
      await trx.updateTable('district').set({ parent_id: null }).where('municipality_code', '=', code).execute();
      await trx.deleteFrom('district').where('municipality_code', '=', code).execute();
      await trx.deleteFrom('api_token').where('municipality_code', '=', code).execute();
      await trx.deleteFrom('app_user').where('municipality_code', '=', code).where('is_demo', '=', true).execute();
      await trx.deleteFrom('municipality').where('code', '=', code).execute();
    }
  });
}
