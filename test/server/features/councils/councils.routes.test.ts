import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../../shared/roles.ts';
import { authHeaders, sessionHeaders } from '../../../helpers/auth.ts';
import { createDistrict, createMunicipality } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

for (const backend of testBackends()) {
  describe(`councils (${backend})`, () => {
    let t: TestApp;
    let a: number;
    let b: number;
    let foreign: number;
    let memberId: number;
    const h = {} as Record<Role, Record<string, string>>;
    const inject = (method: 'GET' | 'POST' | 'PUT', url: string, role: Role, payload?: unknown) =>
      t.app.inject({ method, url, headers: h[role], ...(payload === undefined ? {} : { payload: payload as object }) });
    const count = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM council`.execute(t.database.db)).rows[0].n;

    beforeAll(async () => {
      t = await buildTestApp(backend);
      const db = t.database.db;
      await createMunicipality(db);
      await createMunicipality(db, '0998', 'Annan');
      a = await createDistrict(db, { municipality: '0999', name: 'A', x: 0, y: 0, size: 1000 });
      b = await createDistrict(db, { municipality: '0999', name: 'B', x: 1000, y: 0, size: 1000 });
      foreign = await createDistrict(db, { municipality: '0998', name: 'X', x: 5000, y: 0, size: 1000 });
      for (const role of ['public', 'council', 'planner', 'analyst', 'police', 'admin'] as const) h[role] = await authHeaders(t, role);
      const member = await sessionHeaders(t, 'council', '0999');
      memberId = (await sql<{ id: number }>`SELECT id FROM app_user WHERE email = ${member.email}`.execute(db)).rows[0].id;
    }, 300_000);
    afterAll(async () => t?.close());

    it('lists the users a manager may seat, with name and role only, and only to managers', async () => {
      const res = await inject('GET', '/api/councils/member-candidates?municipality=0999', 'analyst');
      expect(res.statusCode, res.body).toBe(200);
      const users = res.json().users as { id: number; name: string; role: string }[];
      expect(users.map((u) => u.id)).toContain(memberId);
      expect(users.every((u) => u.role !== 'admin')).toBe(true);
      expect(Object.keys(users[0]).sort()).toEqual(['id', 'name', 'role']);
      expect((await inject('GET', '/api/councils/member-candidates?municipality=0999', 'council')).statusCode).toBe(403);
      expect((await inject('GET', '/api/councils/member-candidates?municipality=0999', 'public')).statusCode).toBe(401);
      expect((await inject('GET', '/api/councils/member-candidates?municipality=12', 'analyst')).json().errors[0].field).toBe('municipality');
    });

    it('creates, reads, lists and replaces a council, audited', async () => {
      const created = await inject('POST', '/api/councils', 'admin', { municipality: '0999', name: 'Lokala rådet A', level: 'local', district_ids: [a], member_ids: [memberId] });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json()).toMatchObject({ municipality: '0999', name: 'Lokala rådet A', level: 'local', district_ids: [a], member_ids: [memberId] });
      const id = created.json().id;
      expect((await inject('GET', `/api/councils/${id}`, 'planner')).json().name).toBe('Lokala rådet A');
      const put = await inject('PUT', `/api/councils/${id}`, 'analyst', { name: 'Lokala rådet A och B', level: 'local', district_ids: [a, b] });
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json()).toMatchObject({ district_ids: [a, b], member_ids: [memberId] });
      const list = (await inject('GET', '/api/councils?municipality=0999', 'council')).json().councils;
      expect(list.map((c: { id: number }) => c.id)).toContain(id);
      const audit = await sql<{ action: string }>`SELECT action FROM audit_log WHERE action LIKE 'council.%' AND filters->>'council' = ${String(id)} ORDER BY id`.execute(t.database.db);
      expect(audit.rows.map((r) => r.action)).toEqual(['council.create', 'council.update']);
    });

    it('rejects other municipalities\' districts, unknown members, duplicate names and bad levels, writing nothing', async () => {
      await inject('POST', '/api/councils', 'analyst', { municipality: '0999', name: 'Taken', level: 'local', district_ids: [a] });
      const before = await count();
      const cases: [Record<string, unknown>, number, string][] = [
        [{ district_ids: [foreign] }, 400, 'district_ids'],
        [{ district_ids: [a, a] }, 400, 'district_ids'],
        [{ member_ids: [987654] }, 400, 'member_ids'],
        [{ level: 'regional' }, 400, 'level'],
        [{ name: '' }, 400, 'name'],
        [{ name: 'x'.repeat(201) }, 400, 'name'],
        [{ name: 'Taken' }, 409, 'name'],
        [{ extra: true }, 400, 'extra'],
      ];
      for (const [extra, status, field] of cases) {
        const res = await inject('POST', '/api/councils', 'analyst', { municipality: '0999', name: 'Nytt råd', level: 'local', district_ids: [a], ...extra });
        expect(res.statusCode, JSON.stringify(extra)).toBe(status);
        expect(res.json().errors.map((e: { field: string }) => e.field).join(' ')).toContain(field);
      }
      expect(await count()).toBe(before);
    });

    it('lets analysts, police and admins set councils up; council, planner and public may not', async () => {
      const body = { municipality: '0999', name: 'Rollprov', level: 'coordinating', district_ids: [a] };
      expect((await inject('POST', '/api/councils', 'council', body)).statusCode).toBe(403);
      expect((await inject('POST', '/api/councils', 'planner', body)).statusCode).toBe(403);
      expect((await inject('POST', '/api/councils', 'public', body)).statusCode).toBe(401);
      expect((await inject('GET', '/api/councils', 'public')).statusCode).toBe(401);
      expect((await inject('POST', '/api/councils', 'police', body)).statusCode).toBe(201);
    });
  });
}
