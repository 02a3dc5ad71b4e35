import { sql } from 'kysely';
import type { Role } from '../../../../shared/roles.ts';
import { authHeaders, sessionHeaders } from '../../../helpers/auth.ts';
import { createDistrict, createIncidents, createMunicipality, times } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import type { DbKind } from '../../../../server/infra/db.ts';

/** A municipality with three districts, incidents in two periods, a survey and one header set per role. */
export interface MeetingFixture {
  t: TestApp;
  m: string;
  north: number;
  south: number;
  east: number;
  other: number;
  headers: Record<Exclude<Role, 'public'>, Record<string, string>> & { public: Record<string, string> };
  member: Record<string, string>;
  memberId: number;
  outsider: Record<string, string>;
}

/** Builds the fixture: 2025 has 20 stold in Norr against 8 in 2024, and 3 (a small count) in Söder. */
export async function buildMeetingFixture(backend: DbKind): Promise<MeetingFixture> {
  const t = await buildTestApp(backend);
  const db = t.database.db;
  const m = await createMunicipality(db);
  await createMunicipality(db, '0998', 'Annan kommun');
  const north = await createDistrict(db, { municipality: m, name: 'Norr', population: 2000, x: 0, y: 0, size: 1000 });
  const south = await createDistrict(db, { municipality: m, name: 'Söder', population: 1000, x: 1000, y: 0, size: 1000 });
  const east = await createDistrict(db, { municipality: m, name: 'Öster', population: 1500, x: 2000, y: 0, size: 1000 });
  const other = await createDistrict(db, { municipality: '0998', name: 'Annanstans', population: 100, x: 5000, y: 0, size: 1000 });
  await createIncidents(db, m, [
    ...times(20, { at: '2025-06-10T22:00:00+02:00', x: 500, y: 500, category: 'stold' }),
    ...times(8, { at: '2024-06-10T22:00:00+02:00', x: 500, y: 500, category: 'stold' }),
    ...times(3, { at: '2025-06-10T12:00:00+02:00', x: 1500, y: 500, category: 'stold' }),
    ...times(6, { at: '2025-06-11T12:00:00+02:00', x: 2500, y: 500, category: 'narkotika' }),
    ...times(12, { at: '2025-04-11T12:00:00+02:00', x: 2500, y: 500, category: 'klotter' }),
  ]);
  const survey = await sql<{ id: number }>`INSERT INTO survey (municipality_code, name, conducted_from, conducted_to) VALUES (${m}, 'Trygghetsmätning 2025', '2025-03-01', '2025-04-01') RETURNING id`.execute(db);
  const sid = survey.rows[0].id;
  // 30 answers in Norr: 12 kvinnor (9 otrygga), 18 män (3 otrygga); 20 in Söder, 20 in Öster (every group ≥ 10).
  const answers = (district: number, gender: string, n: number, otrygga: number, otrygg: number, trygg: number) =>
    sql`INSERT INTO survey_response (municipality_code, survey_id, response_ref, district_id, gender, age_group, otrygg_kvall)
        SELECT ${m}, ${sid}, ${`${district}-${gender}-`} || i, ${district}, ${gender}, '35-49', CASE WHEN i < ${otrygga}::int THEN ${otrygg}::int ELSE ${trygg}::int END
          FROM generate_series(0, ${n - 1}) AS i`.execute(db);
  await answers(north, 'kvinna', 12, 9, 4, 1);
  await answers(north, 'man', 18, 3, 3, 2);
  await answers(south, 'kvinna', 10, 10, 4, 4);
  await answers(south, 'man', 10, 0, 1, 1);
  await answers(east, 'man', 20, 0, 2, 2);
  const headers = {
    public: {},
    council: await authHeaders(t, 'council'),
    planner: await authHeaders(t, 'planner'),
    analyst: await authHeaders(t, 'analyst'),
    police: await authHeaders(t, 'police'),
    admin: await authHeaders(t, 'admin'),
  };
  const member = await sessionHeaders(t, 'council', m);
  const outsider = await sessionHeaders(t, 'council', m);
  const memberId = (await sql<{ id: number }>`SELECT id FROM app_user WHERE email = ${member.email}`.execute(db)).rows[0].id;
  const strip = ({ email: _e, password: _p, ...h }: { email: string; password: string; cookie: string; 'x-csrf-token': string }) => h;
  return { t, m, north, south, east, other, headers, member: strip(member), memberId, outsider: strip(outsider) };
}
