import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeaders } from '../../../helpers/auth.ts';
import { createMunicipality } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';

describe('admin routes for users and tokens', () => {
  let t: TestApp;
  let admin: Record<string, string>;

  beforeAll(async () => {
    t = await buildTestApp('pglite');
    await createMunicipality(t.database.db, '0999');
    await createMunicipality(t.database.db, '0998', 'Annan');
    admin = await authHeaders(t, 'admin');
  });
  afterAll(async () => t?.close());

  const signIn = (email: string, password: string) => t.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email, password } });

  it('creates a user with a generated password, shown once, who can sign in', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { email: 'ny@kommun.se', role: 'planner', municipality: '0999' } });
    expect(res.statusCode).toBe(201);
    const { user, password } = res.json();
    expect(user).toMatchObject({ email: 'ny@kommun.se', role: 'planner', municipality: '0999', disabled: false });
    expect((await signIn('ny@kommun.se', password)).statusCode).toBe(200);
    const list = await t.app.inject({ method: 'GET', url: '/api/users', headers: admin });
    expect(list.body).not.toContain(password);
  });

  it('disables a user, which ends their sign-in', async () => {
    const created = (await t.app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { email: 'bort@kommun.se', role: 'council', municipality: '0999', password: 'ett långt lösenord' } })).json();
    const res = await t.app.inject({ method: 'PATCH', url: `/api/users/${created.user.id}`, headers: admin, payload: { disabled: true } });
    expect(res.json().disabled).toBe(true);
    expect((await signIn('bort@kommun.se', 'ett långt lösenord')).statusCode).toBe(401);
  });

  it('creates and revokes a token', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/tokens', headers: admin, payload: { role: 'analyst', name: 'QGIS', municipality: '0999' } });
    expect(created.statusCode).toBe(201);
    const token = created.json().token;
    const me = () => t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
    expect((await me()).json()).toMatchObject({ role: 'analyst', via: 'token' });
    expect((await t.app.inject({ method: 'DELETE', url: `/api/tokens/${created.json().id}`, headers: admin })).statusCode).toBe(204);
    expect((await me()).statusCode).toBe(401);
  });

  it('keeps an admin of one municipality to that municipality', async () => {
    const local = await authHeaders(t, 'admin', '0998');
    const res = await t.app.inject({ method: 'POST', url: '/api/users', headers: local, payload: { email: 'x@annan.se', role: 'council', municipality: '0999' } });
    expect(res.statusCode).toBe(403);
    const users = (await t.app.inject({ method: 'GET', url: '/api/users', headers: local })).json().users;
    expect(users.every((u: { municipality: string }) => u.municipality === '0998')).toBe(true);
  });

  it('refuses a weak password', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { email: 'svag@kommun.se', role: 'council', password: 'kort' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('password');
  });
});
