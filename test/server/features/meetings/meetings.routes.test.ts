import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importIncidents } from '../../../../server/features/imports/incident-import.service.ts';
import { rollbackImportBatch } from '../../../../server/features/imports/import-batches.service.ts';
import { bytesOf } from '../../../../server/features/imports/text-decoding.ts';
import { createIncidents, ORIGIN, times } from '../../../helpers/factories.ts';
import { testBackends } from '../../../helpers/test-db.ts';
import { buildMeetingFixture, type MeetingFixture } from './meeting-fixture.ts';

for (const backend of testBackends()) {
  describe(`council meetings (${backend})`, () => {
    let f: MeetingFixture;
    let councilId: number;

    const inject = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, headers: Record<string, string>, payload?: unknown) =>
      f.t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
    const newMeeting = async (extra: Record<string, unknown> = {}) => {
      const res = await inject('POST', '/api/meetings', f.headers.analyst, { municipality: f.m, council: councilId, date: '2026-01-01', ...extra });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };
    const priority = { problem: 'Cykelstölder vid stationen', focus_area: null, place: 'Stationen', district_ids: [], rationale: 'Ökning 2025', owner: 'Tekniska nämnden', due_date: '2026-06-30' };

    beforeAll(async () => {
      f = await buildMeetingFixture(backend);
      const res = await inject('POST', '/api/councils', f.headers.analyst, {
        municipality: f.m, name: 'Lokala rådet Norr', level: 'local', district_ids: [f.north, f.south], member_ids: [f.memberId],
      });
      expect(res.statusCode, res.body).toBe(201);
      councilId = res.json().id;
    }, 300_000);
    afterAll(async () => f?.t.close());

    it('creates a meeting with the council\'s districts and the twelve months before it', async () => {
      const m = await newMeeting();
      expect(m).toMatchObject({ council: councilId, council_name: 'Lokala rådet Norr', status: 'open', district_ids: [f.north, f.south], filters: { from: '2025-01-01', to: '2026-01-01' }, snapshot: null, priorities: [] });
    });

    it('lists meetings per council, newest first', async () => {
      await newMeeting({ date: '2025-09-01' });
      const res = await inject('GET', `/api/meetings?municipality=${f.m}&council=${councilId}`, f.headers.planner);
      expect(res.statusCode).toBe(200);
      const dates = res.json().meetings.map((m: { date: string }) => m.date);
      expect(dates).toEqual([...dates].sort().reverse());
    });

    it('rejects an unknown council, another municipality\'s district and a date out of range, writing nothing', async () => {
      const before = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM meeting`.execute(f.t.database.db)).rows[0].n;
      const cases: [Record<string, unknown>, string][] = [
        [{ council: 999999 }, 'council'],
        [{ district_ids: [f.north, f.other] }, 'district_ids'],
        [{ date: '1999-12-31' }, 'date'],
        [{ date: '2026-02-30' }, 'date'],
        [{ date: '2999-01-01' }, 'date'],
        [{ filters: { from: '2025-06-01', to: '2025-01-01' } }, 'filters.from'],
        [{ filters: { categories: ['nonsense'] } }, 'filters.categories'],
        [{ surprise: 1 }, 'surprise'],
        [{ district_ids: ['x'] }, 'district_ids.0'],
      ];
      for (const [extra, field] of cases) {
        const res = await inject('POST', '/api/meetings', f.headers.analyst, { municipality: f.m, council: councilId, date: '2026-01-01', ...extra });
        expect(res.statusCode, JSON.stringify(extra)).toBe(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
      }
      const after = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM meeting`.execute(f.t.database.db)).rows[0].n;
      expect(after).toBe(before);
    });

    it('rejects an oversized body with 413', async () => {
      const res = await inject('POST', '/api/meetings', f.headers.analyst, { municipality: f.m, council: councilId, date: '2026-01-01', notes: 'x'.repeat(100_000) });
      expect(res.statusCode).toBe(413);
    });

    it('requires an owner for a priority and names the field', async () => {
      const m = await newMeeting();
      const missing = await inject('POST', `/api/meetings/${m.id}/priorities`, f.headers.analyst, { problem: 'x' });
      expect(missing.statusCode).toBe(400);
      expect(missing.json().errors[0].field).toBe('owner');
      const blank = await inject('POST', `/api/meetings/${m.id}/priorities`, f.headers.analyst, { ...priority, owner: '   ' });
      expect(blank.statusCode).toBe(400);
      expect(blank.json().errors[0].field).toBe('owner');
      const district = await inject('POST', `/api/meetings/${m.id}/priorities`, f.headers.analyst, { ...priority, district_ids: [f.other] });
      expect(district.json().errors[0].field).toBe('district_ids');
      const focus = await inject('POST', `/api/meetings/${m.id}/priorities`, f.headers.analyst, { ...priority, focus_area: 'nope' });
      expect(focus.json().errors[0].field).toBe('focus_area');
      expect((await inject('GET', `/api/meetings/${m.id}`, f.headers.analyst)).json().priorities).toEqual([]);
    });

    it('lets a member record, change and remove priorities of their own council, not an outsider', async () => {
      const m = await newMeeting();
      const created = await inject('POST', `/api/meetings/${m.id}/priorities`, f.member, priority);
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json()).toMatchObject({ problem: priority.problem, owner: 'Tekniska nämnden', due_date: '2026-06-30', status: 'decided', meeting: m.id, council: councilId });
      const id = created.json().id;
      const changed = await inject('PUT', `/api/priorities/${id}`, f.member, { ...priority, owner: 'Socialnämnden' });
      expect(changed.json().owner).toBe('Socialnämnden');
      expect((await inject('POST', `/api/meetings/${m.id}/priorities`, f.outsider, priority)).statusCode).toBe(403);
      expect((await inject('PUT', `/api/priorities/${id}`, f.outsider, priority)).statusCode).toBe(403);
      expect((await inject('POST', `/api/meetings/${m.id}/priorities`, f.headers.planner, priority)).statusCode).toBe(403);
      expect((await inject('DELETE', `/api/priorities/${id}`, f.member)).statusCode).toBe(204);
      const audit = await sql<{ action: string; actor: string | null }>`SELECT action, actor FROM audit_log WHERE action LIKE 'priority.%' ORDER BY id`.execute(f.t.database.db);
      expect(audit.rows.map((r) => r.action)).toEqual(expect.arrayContaining(['priority.create', 'priority.update', 'priority.delete']));
      expect(audit.rows.every((r) => r.actor !== null)).toBe(true);
    });

    it('closes once: the second close, edits and new priorities are 409', async () => {
      const m = await newMeeting();
      const p = (await inject('POST', `/api/meetings/${m.id}/priorities`, f.headers.police, priority)).json();
      const closed = await inject('POST', `/api/meetings/${m.id}/close`, f.member);
      expect(closed.statusCode, closed.body).toBe(200);
      expect(closed.json()).toMatchObject({ status: 'closed', can_edit: false });
      expect(closed.json().snapshot.data_cutoff_at).toBe('2025-06-11T10:00:00.000Z');
      expect((await inject('POST', `/api/meetings/${m.id}/close`, f.headers.analyst)).statusCode).toBe(409);
      expect((await inject('PATCH', `/api/meetings/${m.id}`, f.headers.analyst, { title: 'x' })).statusCode).toBe(409);
      expect((await inject('POST', `/api/meetings/${m.id}/priorities`, f.headers.analyst, priority)).statusCode).toBe(409);
      expect((await inject('PUT', `/api/priorities/${p.id}`, f.headers.analyst, priority)).statusCode).toBe(409);
      expect((await inject('DELETE', `/api/priorities/${p.id}`, f.headers.analyst)).statusCode).toBe(409);
      expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM meeting_snapshot WHERE meeting_id = ${m.id}`.execute(f.t.database.db)).rows[0].n).toBe(1);
    });

    it('freezes per district the trend with its exact test, survey by gender, hotspots and the discrepancy class', async () => {
      const m = await newMeeting({ filters: { categories: ['stold'] } });
      const s = (await inject('POST', `/api/meetings/${m.id}/close`, f.headers.analyst)).json().snapshot.situation;
      const north = s.districts.find((d: { id: number }) => d.id === f.north);
      // 20 now against 8 a year before; as analyst nothing is suppressed. p = 2·P(X ≥ 20 | n = 28, ½) = 0.0357 (hand: Σ_{k=20}^{28} C(28,k)/2^28).
      expect(north.stats).toMatchObject({ count: 20, previous_count: 8, change_pct: 150, change_significant: true });
      expect(north.stats.p_value).toBeCloseTo(0.03571, 4);
      expect(north.stats.rate_per_1000).toBe(10);
      expect(north.time.weekday_hour[1][22]).toBe(20); // 2025-06-10 was a Tuesday, 22:00 local
      expect(north.survey.district).toMatchObject({ n: 30 });
      expect(north.survey.district.otrygg.share).toBeCloseTo(12 / 30, 10);
      const women = north.survey.by_gender.find((g: { gender: string }) => g.gender === 'kvinna');
      expect(women.otrygg.share).toBeCloseTo(9 / 12, 10);
      expect(north.hotspots).not.toBeNull();
      expect(typeof north.discrepancy.class).toBe('string');
      const south = s.districts.find((d: { id: number }) => d.id === f.south);
      expect(south.survey.district).toMatchObject({ n: 20, suppressed: false });
      expect(south.survey.by_age_group).toEqual([expect.objectContaining({ age_group: '35-49', n: 20 })]);
    });

    it('shows a council member in the snapshot only what their role may see live', async () => {
      const m = await newMeeting({ district_ids: [f.north, f.south, f.east] });
      await inject('POST', `/api/meetings/${m.id}/close`, f.headers.analyst);
      for (const role of ['council', 'planner', 'analyst', 'police'] as const) {
        const live = (await inject('GET', `/api/stats/districts?municipality=${f.m}&from=2025-01-01&to=2026-01-01`, f.headers[role])).json();
        const snap = (await inject('GET', `/api/meetings/${m.id}`, f.headers[role])).json().snapshot.situation;
        expect(snap.tier).toBe(role);
        expect(snap.categories).toEqual(live.categories);
        for (const d of snap.districts) {
          const l = live.districts.find((x: { id: number }) => x.id === d.id);
          expect(d.stats.count, `${role} ${d.name}`).toBe(l.count);
          expect(d.stats.suppressed).toBe(l.suppressed);
        }
      }
      const council = (await inject('GET', `/api/meetings/${m.id}`, f.headers.council)).json().snapshot.situation;
      expect(council.districts.find((d: { id: number }) => d.id === f.south).stats.count).toBeNull(); // 3 stold: "<5"
      expect(council.categories).not.toContain('vald_nara_relation');
      const police = (await inject('GET', `/api/meetings/${m.id}`, f.headers.police)).json().snapshot.situation;
      expect(police.districts.find((d: { id: number }) => d.id === f.south).stats.count).toBe(3);
    });

    it('freezes for every tier exactly what the live routes answered that role at close time', async () => {
      // A dense cluster of klotter in Öster (before the fixture's latest incident, so the cut-off stays) makes hot cells to compare.
      const cluster = [[2500, 500], [2800, 500], [2200, 500], [2650, 760], [2350, 760], [2650, 240], [2350, 240]];
      await createIncidents(f.t.database.db, f.m, cluster.flatMap(([x, y]) => times(30, { at: '2025-05-10T21:00:00+02:00', x, y, category: 'klotter' })));
      const m = await newMeeting({ district_ids: [f.north, f.south, f.east] });
      const closed = await inject('POST', `/api/meetings/${m.id}/close`, f.headers.analyst);
      expect(closed.statusCode, closed.body).toBe(200);
      const { from, to } = m.filters;
      const q = `municipality=${f.m}&from=${from}&to=${to}`;
      const get = async (url: string, role: keyof typeof f.headers) => {
        const res = await inject('GET', url, f.headers[role]);
        expect(res.statusCode, `${role} ${url}: ${res.body}`).toBe(200);
        return res.json();
      };
      let topCells = 0;
      for (const role of ['council', 'planner', 'analyst', 'police'] as const) {
        const snap = (await get(`/api/meetings/${m.id}`, role)).snapshot.situation;
        expect(snap.tier).toBe(role);
        const kind = snap.districts[0].kind;
        const stats = await get(`/api/stats/districts?${q}&compare=previous&level=${kind}`, role);
        const discrepancy = await get(`/api/stats/discrepancy?${q}&level=${kind}&cells=false`, role);
        const hotspots = await get(`/api/stats/hotspots?${q}&cell=200`, role);
        const survey = await get(`/api/surveys/${snap.survey.id}/indicators?municipality=${f.m}&by=district,gender&level=${kind}`, role);
        expect(snap.categories).toEqual(stats.categories);
        for (const d of snap.districts) {
          const at = `${role} ${d.name}`;
          const { id: _i, name: _n, kind: _k, parent_id: _p, population: _pop, ...live } = stats.districts.find((x: { id: number }) => x.id === d.id);
          expect(d.stats, at).toEqual(live);
          const time = await get(`/api/stats/time?${q}&district=${d.id}`, role);
          expect(d.time, at).toEqual({ total: time.total, monthly: time.monthly, weekday_hour: time.weekday_hour, suppressed_cells: time.suppressed_cells });
          const disc = discrepancy.districts.find((x: { id: number }) => x.id === d.id);
          expect(d.discrepancy, at).toEqual({ class: disc.class, incident_level: disc.incident_level, perceived_level: disc.perceived_level, share_otrygg: disc.share_otrygg, perceived_measure: disc.perceived_measure });
          for (const cell of d.hotspots.top) {
            expect(hotspots.features.some((h: { properties: { z: number; count: number; class: string } }) =>
              h.properties.z === cell.z && h.properties.count === cell.count && h.properties.class === cell.class), `${at} hot cell ${JSON.stringify(cell)}`).toBe(true);
            topCells += 1;
          }
          for (const g of d.survey.by_gender) {
            const live = survey.groups.find((x: { key: { district_id: number; gender: string } }) => x.key.district_id === d.id && x.key.gender === g.gender);
            expect(g.otrygg?.share ?? null, `${at} ${g.gender}`).toBe(live.indicators?.otrygg.share ?? null);
            expect(g.n).toBe(live.n);
          }
        }
      }
      expect(topCells).toBeGreaterThan(0);
    });

    it('draws the minutes\' map per agenda district as SVG shaded by the reader\'s frozen rates, unchanged after a boundary change', async () => {
      const m = await newMeeting({ district_ids: [f.north, f.south, f.east], filters: { categories: ['stold'] } });
      const map = (district: number, role: 'council' | 'analyst' | 'public' = 'analyst') => inject('GET', `/api/meetings/${m.id}/map.svg?district=${district}`, f.headers[role]);
      const open = await map(f.north);
      expect(open.statusCode, open.body).toBe(200);
      expect(open.body).not.toContain('#fee5d9');
      await inject('POST', `/api/meetings/${m.id}/close`, f.headers.analyst);
      const res = await map(f.north);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('image/svg+xml');
      expect(res.body.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      const paths = [...res.body.matchAll(/<path d="([^"]+)" fill="([^"]+)" stroke="#222" stroke-width="(\d)"[^>]*data-district="(\d+)"/g)].map((x) => ({ d: x[1], fill: x[2], width: Number(x[3]), id: Number(x[4]) }));
      expect(paths.map((p) => p.id).sort()).toEqual([f.north, f.south, f.east].sort());
      expect(paths.find((p) => p.id === f.north)!.width).toBe(4);
      expect(paths.filter((p) => p.width === 4)).toHaveLength(1);
      // Analyst: Norr (20 stold, 10 per 1,000) darkest, Öster (none) lightest; council: Söder's 3 are "<5", so grey.
      const analystFill = new Map(paths.map((p) => [p.id, p.fill]));
      expect(analystFill.get(f.north)).toBe('#a50f15');
      expect(analystFill.get(f.east)).toBe('#fee5d9');
      expect(analystFill.get(f.south)).not.toBe('#d9d9d9');
      const council = (await map(f.north, 'council')).body;
      expect(council).toMatch(new RegExp(`fill="#d9d9d9"[^>]*data-district="${f.south}"`));
      const before = [(await map(f.south)).body, council];
      await sql`UPDATE district SET geom = ST_Translate(geom, 300, 0) WHERE id = ${f.north}`.execute(f.t.database.db);
      expect([(await map(f.south)).body, (await map(f.north, 'council')).body]).toEqual(before);
      await sql`UPDATE district SET geom = ST_Translate(geom, -300, 0) WHERE id = ${f.north}`.execute(f.t.database.db);
      const outside = await map(f.other);
      expect(outside.statusCode).toBe(400);
      expect(outside.json().errors[0].field).toBe('district');
      expect((await map(f.north, 'public')).statusCode).toBe(401);
    });

    it('returns byte-identical frozen numbers after a new import, a rollback and a boundary change', async () => {
      const m = await newMeeting({ district_ids: [f.north, f.south, f.east] });
      await inject('POST', `/api/meetings/${m.id}/close`, f.headers.analyst);
      const read = async () => Promise.all((['council', 'analyst', 'police'] as const).map(async (r) => (await inject('GET', `/api/meetings/${m.id}`, f.headers[r])).body));
      const before = await read();
      const csv = `id;kategori;tidpunkt;n;e\n${Array.from({ length: 15 }, (_, i) => `NEW${i};stold;2025-06-12 10:00;${ORIGIN.n + 500};${ORIGIN.e + 500}`).join('\n')}\n`;
      const summary = await importIncidents(f.t.database.db, {
        municipality: f.m, bytes: bytesOf(Buffer.from(csv)), fileName: 'late.csv', source: 'police', allowRejects: false, createdBy: 'test', nowMs: Date.UTC(2025, 11, 1),
      });
      expect(summary.accepted).toBe(15);
      expect(await read()).toEqual(before);
      const live = (await inject('GET', `/api/stats/districts?municipality=${f.m}&from=2025-01-01&to=2026-01-01&category=stold`, f.headers.analyst)).json();
      expect(live.districts.find((d: { id: number }) => d.id === f.north).count).toBe(35);
      await rollbackImportBatch(f.t.database.db, summary.batch!);
      expect(await read()).toEqual(before);
      await sql`UPDATE district SET name = 'Norra staden', geom = ST_Translate(geom, 300, 0) WHERE id = ${f.north}`.execute(f.t.database.db);
      await sql`UPDATE incident SET district_id = ${f.south} WHERE district_id = ${f.north}`.execute(f.t.database.db);
      expect(await read()).toEqual(before);
      await sql`UPDATE incident SET district_id = ${f.north} WHERE geom IS NOT NULL AND ST_X(geom) < ${ORIGIN.e + 1000}`.execute(f.t.database.db);
      await sql`UPDATE district SET name = 'Norr', geom = ST_Translate(geom, -300, 0) WHERE id = ${f.north}`.execute(f.t.database.db);
    });

    it('gives the live situation for an open meeting and the frozen one with its cut-off once closed', async () => {
      const m = await newMeeting();
      const live = await inject('GET', `/api/meetings/${m.id}/situation`, f.member);
      expect(live.statusCode, live.body).toBe(200);
      expect(live.json()).toMatchObject({ frozen: false });
      expect(live.json().situation.tier).toBe('council');
      await inject('POST', `/api/meetings/${m.id}/close`, f.member);
      const frozen = (await inject('GET', `/api/meetings/${m.id}/situation`, f.member)).json();
      expect(frozen).toMatchObject({ frozen: true, data_cutoff_at: expect.any(String) });
    });

    it('keeps meetings from the public and admin, and lets planners read but not write', async () => {
      const m = await newMeeting();
      expect((await inject('GET', `/api/meetings/${m.id}`, f.headers.public)).statusCode).toBe(401);
      expect((await inject('GET', `/api/meetings?municipality=${f.m}`, f.headers.public)).statusCode).toBe(401);
      expect((await inject('GET', `/api/meetings/${m.id}`, f.headers.admin)).statusCode).toBe(403);
      expect((await inject('GET', `/api/meetings/${m.id}`, f.headers.planner)).statusCode).toBe(200);
      expect((await inject('POST', `/api/meetings/${m.id}/close`, f.headers.planner)).statusCode).toBe(403);
      expect((await inject('PATCH', `/api/meetings/${m.id}`, f.outsider, { title: 'x' })).statusCode).toBe(403);
    });

    it('audits meeting changes with who and when', async () => {
      const m = await newMeeting();
      await inject('PATCH', `/api/meetings/${m.id}`, f.member, { title: 'Höstmöte' });
      const rows = await sql<{ action: string; actor: string | null; at: Date }>`SELECT action, actor, at FROM audit_log WHERE action LIKE 'meeting.%' AND filters->>'meeting' = ${String(m.id)} ORDER BY id`.execute(f.t.database.db);
      expect(rows.rows.map((r) => r.action)).toEqual(['meeting.create', 'meeting.update']);
      expect(rows.rows[1].actor).toContain('council');
    });
  });
}
