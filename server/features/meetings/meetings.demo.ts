import { sql } from 'kysely';
import { addDays, addYears, stockholmToday } from '../../../shared/time.ts';
import type { Db } from '../../infra/db.ts';
import { poissonChangeTest } from '../../stats/poisson-change.ts';
import { insertCouncil } from '../councils/councils.queries.ts';
import { computeSituation, SNAPSHOT_TIERS } from './meeting-situation.service.ts';
import { insertMeeting, storeSnapshot } from './meetings.queries.ts';
import { insertPriority } from './priorities.queries.ts';

const DEMO_COUNCIL_EMAIL = 'council@demo.lagesbild.example';
/** Days an action's before and after periods span in the demo. */
const FOLLOW_UP_DAYS = 120;

/**
 * Seeds the demo municipality's council work: one local council per kommundel (its stadsdelar on the
 * agenda) and a coordinating council, two past closed meetings of the first local council with frozen
 * snapshots and priorities, an upcoming open meeting, and three actions — one whose incidents fell
 * significantly, one without a change, one started too recently to tell.
 */
export async function seedDemoMeetings(db: Db, options: { endDate: Date }) {
  const demo = (await sql<{ code: string }>`SELECT code FROM municipality WHERE is_demo ORDER BY code LIMIT 1`.execute(db)).rows[0];
  if (!demo) return;
  const code = demo.code;
  const today = stockholmToday(options.endDate);
  const districts = (await sql<{ id: number; name: string; kind: string; parent_id: number | null }>`
    SELECT id, name, kind, parent_id FROM district WHERE municipality_code = ${code} ORDER BY id`.execute(db)).rows;
  const kommundelar = districts.filter((d) => d.kind === 'kommundel');
  const councils: { id: number; name: string; districtIds: number[] }[] = [];
  for (const k of kommundelar) {
    const districtIds = districts.filter((d) => d.parent_id === k.id).map((d) => d.id);
    const name = `Lokala brottsförebyggande rådet ${k.name.replace(/ kommundelen$/, '')}`;
    councils.push({ id: await insertCouncil(db, { municipality: code, name, level: 'local', district_ids: districtIds, userId: null }), name, districtIds });
  }
  await insertCouncil(db, { municipality: code, name: 'Samordnande brottsförebyggande rådet', level: 'coordinating', district_ids: kommundelar.map((k) => k.id), userId: null });

  const local = councils[0];
  const focus = new Map((await sql<{ id: number; code: string }>`SELECT id, code FROM focus_area WHERE municipality_code = ${code}`.execute(db)).rows.map((f) => [f.code, f.id]));
  const priorityIds: number[] = [];
  for (const [k, daysAgo] of [180, 90].entries()) {
    const date = addDays(today, -daysAgo);
    const filters = { from: addYears(date, -1), to: date };
    const meetingId = await insertMeeting(db, {
      municipality: code, councilId: local.id, councilName: local.name, title: k === 0 ? 'Vårens rådsmöte' : 'Sommarens rådsmöte', date, district_ids: local.districtIds, filters, userId: null,
    });
    const decided = k === 0
      ? [
          { title: 'Cykelstölder och skadegörelse kring stationen', focus: 'offentliga_miljoer', owner: 'Tekniska nämnden', rationale: 'Flest anmälningar i kommundelen och signifikant ökning mot föregående period.' },
          { title: 'Otrygghet bland kvinnor kvällstid', focus: 'offentliga_miljoer', owner: 'Samhällsbyggnadsförvaltningen', rationale: 'Andelen otrygga kvinnor är klart högre än bland män; belysning nämns oftast.' },
        ]
      : [{ title: 'Ungdomar och buskörning på helgkvällar', focus: 'barn_unga_fritid', owner: 'Kultur- och fritidsnämnden', rationale: 'Helgkvällar dominerar i veckodag × timme; fritidsgården har kortare öppettider.' }];
    for (const p of decided) {
      priorityIds.push(await insertPriority(db, code, meetingId, {
        title: p.title, focusAreaId: focus.get(p.focus) ?? null, place: null, district_ids: local.districtIds.slice(0, 2), rationale: p.rationale, owner: p.owner,
        due_date: addDays(date, 180), status: 'decided', published: false,
      }, null));
    }
    const tiers = await computeSituation(db, { municipality: code, district_ids: local.districtIds, filters }, SNAPSHOT_TIERS);
    await storeSnapshot(db, {
      municipality: code, meetingId, cutoff: new Date(`${date}T00:00:00+01:00`), filters, userId: null,
      data: { version: 1, latest_incident_at: null, latest_import_at: null, tiers },
    });
  }
  await insertMeeting(db, {
    municipality: code, councilId: local.id, councilName: local.name, title: 'Höstens rådsmöte', date: addDays(today, 14), district_ids: local.districtIds,
    filters: { from: addYears(today, -1), to: addDays(today, 1) }, userId: null,
  });

  // The actions follow real demo numbers: the district and category whose count fell the most clearly
  // after the start date, one that did not move, and one started ten days ago.
  const start = addDays(today, -FOLLOW_UP_DAYS);
  const rows = (await sql<{ district_id: number; category_code: string; before: number; after: number }>`
    SELECT district_id, category_code,
           count(*) FILTER (WHERE occurred_at < (${start}::date::timestamp AT TIME ZONE 'Europe/Stockholm'))::int AS before,
           count(*) FILTER (WHERE occurred_at >= (${start}::date::timestamp AT TIME ZONE 'Europe/Stockholm'))::int AS after
      FROM incident
     WHERE municipality_code = ${code} AND district_id IS NOT NULL
       AND occurred_at >= (${addDays(start, -FOLLOW_UP_DAYS)}::date::timestamp AT TIME ZONE 'Europe/Stockholm')
       AND category_code IN ('stold', 'cykelstold', 'skadegorelse', 'klotter', 'fordonsbrott', 'ordningsstorning', 'inbrott_bostad', 'buskorning', 'nedskrapning')
     GROUP BY district_id, category_code`.execute(db)).rows;
  const tested = rows.map((r) => ({ ...r, test: poissonChangeTest(r.after, r.before) }));
  const worked = tested.filter((r) => r.after < r.before).sort((a, b) => (a.test.p ?? 1) - (b.test.p ?? 1))[0];
  const flat = tested.filter((r) => r !== worked && r.before + r.after >= 20).sort((a, b) => (b.test.p ?? 0) - (a.test.p ?? 0))[0];
  const name = new Map(districts.map((d) => [d.id, d.name]));
  const insert = (a: { title: string; district: number; category: string; start: string; status: string; responsible: string; priority: number | null }) => sql`
    INSERT INTO action (municipality_code, title, description, district_ids, responsible, start_date, status, priority_id, indicators)
    VALUES (${code}, ${a.title}, 'Demoinsats (fiktiv).', ARRAY[${a.district}]::bigint[], ${a.responsible}, ${a.start}, ${a.status}, ${a.priority},
            ${JSON.stringify([{ key: a.category }, { key: 'otrygg' }])}::jsonb)`.execute(db);
  if (worked) await insert({ title: `Platssamverkan mot ${worked.category_code.replace('_', ' ')} i ${name.get(worked.district_id)}`, district: worked.district_id, category: worked.category_code, start, status: 'done', responsible: 'Tekniska nämnden', priority: priorityIds[0] ?? null });
  if (flat) await insert({ title: `Informationskampanj i ${name.get(flat.district_id)}`, district: flat.district_id, category: flat.category_code, start, status: 'ongoing', responsible: 'Kommunledningskontoret', priority: null });
  await insert({ title: 'Förstärkt belysning i gångtunnlarna', district: local.districtIds[0], category: 'skadegorelse', start: addDays(today, -10), status: 'ongoing', responsible: 'Tekniska nämnden', priority: priorityIds[1] ?? null });
}

/** Seats the demo council account on the first demo local council, so signing in as it shows a council member's view. */
export async function joinDemoCouncils(db: Db): Promise<void> {
  await sql`INSERT INTO council_member (municipality_code, council_id, user_id)
    SELECT c.municipality_code, c.id, u.id FROM council c JOIN municipality m ON m.code = c.municipality_code AND m.is_demo
      JOIN app_user u ON lower(u.email) = ${DEMO_COUNCIL_EMAIL} AND u.is_demo
     WHERE c.level = 'local' AND c.id = (SELECT min(id) FROM council WHERE municipality_code = c.municipality_code AND level = 'local')
    ON CONFLICT DO NOTHING`.execute(db);
}

/** Removes a municipality's councils (after its meetings are gone), for `lagesbild demo --reset`. */
export async function removeCouncils(db: Db, municipality: string): Promise<void> {
  await sql`DELETE FROM council_member WHERE municipality_code = ${municipality}`.execute(db);
  await sql`DELETE FROM council WHERE municipality_code = ${municipality}`.execute(db);
}
