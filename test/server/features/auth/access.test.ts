import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_CODES, coversMunicipality, mappingRefusal, requireEdit, requireImportSources, requireMunicipalityScope } from '../../../../server/features/auth/access.ts';
import { createToken, createUser } from '../../../../server/features/auth/auth.service.ts';
import type { Viewer } from '../../../../server/features/auth/viewer.ts';
import { AppError } from '../../../../server/infra/errors.ts';
import { authHeaders } from '../../../helpers/auth.ts';
import { createDistrict, createMunicipality } from '../../../helpers/factories.ts';
import { buildTestApp, type TestApp } from '../../../helpers/test-app.ts';
import { testBackends } from '../../../helpers/test-db.ts';

const viewer = (role: Viewer['role'], municipalityCodes: string[] | null = ['0999']): Viewer => ({ role, userId: null, tokenId: null, municipalityCodes });

function refusal(fn: () => void): { status: number; code: string; field?: string } | null {
  try {
    fn();
    return null;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { status: error.status, code: error.code, field: error.errors[0]?.field };
  }
}

describe('access module (pure rules)', () => {
  it('scopes to the bound municipality; null only means every one', () => {
    expect(coversMunicipality(viewer('analyst'), '0999')).toBe(true);
    expect(coversMunicipality(viewer('analyst'), '0998')).toBe(false);
    expect(coversMunicipality(viewer('analyst', []), '0999')).toBe(false);
    expect(coversMunicipality(viewer('police', null), '0998')).toBe(true);
    expect(refusal(() => requireMunicipalityScope(viewer('analyst'), '0998'))).toEqual({ status: 403, code: 'MUNICIPALITY_SCOPE', field: 'municipality' });
  });

  it('refuses imports of sources the role may not bring, with a fixed code', () => {
    expect(refusal(() => requireImportSources(viewer('analyst'), ['housing', 'municipality']))).toBeNull();
    expect(refusal(() => requireImportSources(viewer('analyst'), ['housing', 'police']))).toMatchObject({ status: 403, code: ACCESS_CODES.importSourceForbidden });
    expect(refusal(() => requireImportSources(viewer('police'), ['police']))).toBeNull();
    expect(refusal(() => requireImportSources(viewer('police'), ['housing']))).toMatchObject({ code: 'IMPORT_SOURCE_FORBIDDEN' });
    expect(refusal(() => requireImportSources(viewer('council'), []))).toMatchObject({ status: 403, code: 'IMPORT_FORBIDDEN' });
    expect(refusal(() => requireImportSources(viewer('public', null), []))).toMatchObject({ status: 401, code: 'SIGN_IN_REQUIRED' });
  });

  it('judges a mapping change by its source (null = every source) and every category involved', () => {
    expect(mappingRefusal('analyst', { source: 'housing', categories: ['klotter', null] })).toBeNull();
    expect(mappingRefusal('analyst', { source: 'police', categories: ['klotter'] })).toMatchObject({ code: 'IMPORT_SOURCE_FORBIDDEN', field: 'source' });
    expect(mappingRefusal('analyst', { source: null, categories: ['klotter'] })).toMatchObject({ code: 'IMPORT_SOURCE_FORBIDDEN', field: 'source' });
    expect(mappingRefusal('analyst', { source: 'housing', categories: ['sexualbrott'] })).toMatchObject({ code: 'IMPORT_CATEGORY_FORBIDDEN', field: 'category' });
    // Moving a code out of a protected category is as much a decision about who sees it as moving it in.
    expect(mappingRefusal('analyst', { source: 'housing', categories: ['klotter', 'vald_nara_relation'] })).toMatchObject({ code: 'IMPORT_CATEGORY_FORBIDDEN' });
    expect(mappingRefusal('analyst', { source: 'housing', categories: ['narkotika'] })).toBeNull(); // restricted is fine
    expect(mappingRefusal('police', { source: 'police', categories: ['sexualbrott', 'misshandel'] })).toBeNull();
    expect(mappingRefusal('police', { source: null, categories: ['misshandel'] })).toMatchObject({ code: 'IMPORT_SOURCE_FORBIDDEN' });
    expect(mappingRefusal('admin', { source: null, categories: ['sexualbrott'] })).toBeNull();
    expect(mappingRefusal('council', { source: 'housing', categories: ['klotter'] })).toMatchObject({ code: 'IMPORT_SOURCE_FORBIDDEN' });
  });

  it('gives edit rights per SPEC §6 with EDIT_FORBIDDEN', () => {
    expect(refusal(() => requireEdit(viewer('council'), 'priorities'))).toBeNull();
    expect(refusal(() => requireEdit(viewer('council'), 'site_checks'))).toMatchObject({ status: 403, code: 'EDIT_FORBIDDEN' });
    expect(refusal(() => requireEdit(viewer('planner'), 'site_checks'))).toBeNull();
    expect(refusal(() => requireEdit(viewer('planner'), 'citizen_promises'))).toMatchObject({ code: 'EDIT_FORBIDDEN' });
    expect(refusal(() => requireEdit(viewer('admin'), 'actions'))).toMatchObject({ code: 'EDIT_FORBIDDEN' });
    expect(refusal(() => requireEdit(viewer('public', null), 'actions'))).toMatchObject({ status: 401, code: 'SIGN_IN_REQUIRED' });
  });
});

for (const backend of testBackends()) {
  describe(`access module in the routes (${backend})`, () => {
    let t: TestApp;
    let admin: Record<string, string>;
    const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });

    beforeAll(async () => {
      t = await buildTestApp(backend);
      await createMunicipality(t.database.db, '0999');
      await createMunicipality(t.database.db, '0998', 'Annan');
      await createDistrict(t.database.db, { municipality: '0999', name: 'Mitt', x: 0, y: 0, size: 1000, population: 1000 });
      await createDistrict(t.database.db, { municipality: '0998', name: 'Annat', x: 5000, y: 0, size: 1000, population: 1000 });
      admin = await authHeaders(t, 'admin');
    }, 600_000);
    afterAll(async () => t?.close());

    it('refuses another municipality with MUNICIPALITY_SCOPE on statistics, imports and mappings alike', async () => {
      const analyst = await authHeaders(t, 'analyst', '0998');
      const stats = await get('/api/stats/districts?municipality=0999', analyst);
      expect(stats.statusCode).toBe(403);
      expect(stats.json()).toMatchObject({ code: 'MUNICIPALITY_SCOPE', errors: [{ field: 'municipality' }] });
      const batches = await get('/api/imports?municipality=0999', analyst);
      expect(batches.json()).toMatchObject({ status: 403, code: 'MUNICIPALITY_SCOPE' });
      const mapping = await t.app.inject({ method: 'PUT', url: '/api/imports/category-mapping', headers: analyst, payload: { municipality: '0999', source: 'housing', source_code: 'X', category: 'klotter' } });
      expect(mapping.json()).toMatchObject({ status: 403, code: 'MUNICIPALITY_SCOPE' });
      // Its own municipality works, and is the only one it is shown.
      expect((await get('/api/stats/districts?municipality=0998', analyst)).statusCode).toBe(200);
      expect((await get('/api/municipalities', analyst)).json().municipalities.map((m: { code: string }) => m.code)).toEqual(['0998']);
    });

    it('answers the fixed codes for sign-in, import and admin refusals', async () => {
      expect((await get('/api/imports')).json()).toMatchObject({ status: 401, code: 'SIGN_IN_REQUIRED' });
      expect((await get('/api/imports', await authHeaders(t, 'council', '0999'))).json()).toMatchObject({ status: 403, code: 'IMPORT_FORBIDDEN' });
      expect((await get('/api/users', await authHeaders(t, 'police', '0999'))).json()).toMatchObject({ status: 403, code: 'ADMIN_ONLY' });
      expect((await get('/api/audit-log', await authHeaders(t, 'analyst', '0999'))).json()).toMatchObject({ status: 403, code: 'ADMIN_ONLY' });
    });

    it('binds accounts and tokens to a municipality: no default to every one', async () => {
      const user = await t.app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { email: 'obunden@kommun.se', role: 'council' } });
      expect(user.statusCode).toBe(400);
      expect(user.json().errors[0].field).toBe('municipality');
      const token = await t.app.inject({ method: 'POST', url: '/api/tokens', headers: admin, payload: { role: 'analyst', name: 'QGIS', municipality: null } });
      expect(token.statusCode).toBe(400);
      expect(token.json().errors[0].field).toBe('municipality');
      await expect(createUser(t.database.db, { email: 'service@kommun.se', password: 'a long enough password', role: 'council' })).rejects.toMatchObject({ status: 400 });
      await expect(createToken(t.database.db, { role: 'council', municipality: null })).rejects.toMatchObject({ status: 400 });
      await expect(createToken(t.database.db, { role: 'council', municipality: '0999', allMunicipalities: true })).rejects.toMatchObject({ status: 400 });
      // The schema refuses an unbound row too, whoever writes it.
      await expect(sql`INSERT INTO app_user (email, password_hash, role) VALUES ('raw@kommun.se', 'x', 'council')`.execute(t.database.db)).rejects.toThrow(/app_user_scope_check/);
      await expect(sql`INSERT INTO api_token (name, token_hash, role) VALUES ('raw', 'h', 'council')`.execute(t.database.db)).rejects.toThrow(/api_token_scope_check/);
    });

    it('grants every municipality only when asked for on purpose, and only by an admin of every municipality', async () => {
      const regional = await t.app.inject({ method: 'POST', url: '/api/tokens', headers: admin, payload: { role: 'police', name: 'Region', all_municipalities: true } });
      expect(regional.statusCode).toBe(201);
      expect(regional.json()).toMatchObject({ municipality: null, all_municipalities: true });
      const me = await get('/api/auth/me', { authorization: `Bearer ${regional.json().token}` });
      expect(me.json().municipalities).toBeNull();
      const local = await authHeaders(t, 'admin', '0998');
      const widened = await t.app.inject({ method: 'POST', url: '/api/users', headers: local, payload: { email: 'bred@annan.se', role: 'council', all_municipalities: true } });
      expect(widened.json()).toMatchObject({ status: 403, code: 'MUNICIPALITY_SCOPE' });
      const both = await t.app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { email: 'båda@kommun.se', role: 'council', municipality: '0999', all_municipalities: true } });
      expect(both.statusCode).toBe(400);
      // A local admin's new accounts are bound to the admin's own municipality when none is named.
      const own = await t.app.inject({ method: 'POST', url: '/api/users', headers: local, payload: { email: 'lokal@annan.se', role: 'council' } });
      expect(own.json().user).toMatchObject({ municipality: '0998', all_municipalities: false });
      // A local admin sees, and can change, neither regional accounts nor other municipalities'.
      const tokens = (await get('/api/tokens', local)).json().tokens as { all_municipalities: boolean; municipality: string | null }[];
      expect(tokens.every((tk) => !tk.all_municipalities && tk.municipality === '0998')).toBe(true);
      expect((await t.app.inject({ method: 'DELETE', url: `/api/tokens/${regional.json().id}`, headers: local })).statusCode).toBe(404);
    });

    it('rebinds a user on PATCH and ends their sessions', async () => {
      const created = (await t.app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { email: 'flytt@kommun.se', role: 'analyst', municipality: '0999', password: 'ett långt lösenord' } })).json();
      const moved = await t.app.inject({ method: 'PATCH', url: `/api/users/${created.user.id}`, headers: admin, payload: { municipality: '0998' } });
      expect(moved.json()).toMatchObject({ municipality: '0998', all_municipalities: false });
      const wide = await t.app.inject({ method: 'PATCH', url: `/api/users/${created.user.id}`, headers: admin, payload: { all_municipalities: true } });
      expect(wide.json()).toMatchObject({ municipality: null, all_municipalities: true });
      const off = await t.app.inject({ method: 'PATCH', url: `/api/users/${created.user.id}`, headers: admin, payload: { all_municipalities: false } });
      expect(off.statusCode).toBe(400);
      expect(off.json().errors[0].field).toBe('municipality');
      const unknown = await t.app.inject({ method: 'PATCH', url: `/api/users/${created.user.id}`, headers: admin, payload: { municipality: '0001' } });
      expect(unknown.statusCode).toBe(400);
      const signIn = await t.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email: 'flytt@kommun.se', password: 'ett långt lösenord' }, remoteAddress: '10.9.9.9' });
      expect(signIn.json().municipalities).toBeNull();
    });
  });
}
