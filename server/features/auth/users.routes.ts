import { sql } from 'kysely';
import { Type } from 'typebox';
import type { AppInstance } from '../../app.ts';
import { AppError, badRequest, notFound } from '../../infra/errors.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { deleteSessionsOfUser } from './auth.queries.ts';
import { auditRequest } from '../audit/audit.service.ts';
import { ACCOUNT_ROLES, createToken, createUser, validateAccountScope } from './auth.service.ts';
import { adminCovers, requireAdmin, requireAdminCovers } from './access.ts';
import { generatePassword, hashPassword, passwordProblem } from './passwords.ts';
import type { Viewer } from './viewer.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const RoleSchema = Type.Union(ACCOUNT_ROLES.map((r) => Type.Literal(r)));
const Municipality = Type.String({ pattern: '^[0-9]{4}$' });
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) }, { additionalProperties: false });
const Errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };

// The allow-list of user fields an admin sees: never the password hash.
const User = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  display_name: Nullable(Type.String()),
  role: Type.String(),
  municipality: Nullable(Type.String()),
  all_municipalities: Type.Boolean(),
  is_demo: Type.Boolean(),
  failed_attempts: Type.Integer(),
  locked_until: Nullable(Type.String()),
  disabled: Type.Boolean(),
  created_at: Type.String(),
});

const Token = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  role: Type.String(),
  municipality: Nullable(Type.String()),
  all_municipalities: Type.Boolean(),
  created_at: Type.String(),
  last_used_at: Nullable(Type.String()),
  revoked: Type.Boolean(),
});

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** The scope key of an account row for {@link adminCovers}: its municipality, or '*' for every one. */
const scopeKey = (row: { municipality_code: string | null; all_municipalities: boolean }) => (row.all_municipalities ? '*' : row.municipality_code);

/**
 * The binding asked for in a create body: the municipality named, every one when `all_municipalities` is
 * set on purpose, else the admin's own single municipality. No default to every municipality.
 */
function requestedScope(viewer: Viewer, body: { municipality?: string | null; all_municipalities?: boolean }) {
  if (body.all_municipalities) return { municipality: body.municipality ?? null, allMunicipalities: true };
  const municipality = body.municipality ?? (viewer.municipalityCodes?.length === 1 ? viewer.municipalityCodes[0] : null);
  return { municipality, allMunicipalities: false };
}

/** Admin routes: /api/users (list, create, change) and /api/tokens (list, create, revoke). */
export async function userRoutes(app: AppInstance) {
  // Gate before body validation, so non-admins learn nothing about the admin routes' inputs.
  app.addHook('preValidation', async (request) => requireAdmin(request.viewer));
  const db = () => app.database.db;

  async function loadUser(viewer: Viewer, id: number) {
    const u = await db().selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst();
    if (!u || !adminCovers(viewer, scopeKey(u))) throw notFound(`user ${id}`);
    return {
      id: u.id, email: u.email, display_name: u.display_name, role: u.role, municipality: u.municipality_code, all_municipalities: u.all_municipalities, is_demo: u.is_demo,
      failed_attempts: u.failed_attempts, locked_until: iso(u.locked_until), disabled: u.disabled_at !== null, created_at: iso(u.created_at)!,
    };
  }

  app.get('/api/users', { schema: { tags: ['admin'], summary: 'Users (admin)', response: { 200: Type.Object({ users: Type.Array(User) }), ...Errors } } }, async (request) => {
    requireAdmin(request.viewer);
    const rows = await db().selectFrom('app_user').select('id').orderBy('email').execute();
    const users = [];
    for (const r of rows) {
      const u = await loadUser(request.viewer, r.id).catch(() => null);
      if (u) users.push(u);
    }
    return { users };
  });

  app.post(
    '/api/users',
    {
      bodyLimit: 16 * 1024,
      schema: {
        tags: ['admin'], summary: 'Create a user (admin); without a password one is generated and returned once',
        body: Type.Object({
          email: Type.String({ maxLength: 320 }), role: RoleSchema, password: Type.Optional(Type.String({ maxLength: 1024 })),
          municipality: Type.Optional(Nullable(Municipality)), all_municipalities: Type.Optional(Type.Boolean()),
          display_name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
        }, { additionalProperties: false }),
        response: { 201: Type.Object({ user: User, password: Nullable(Type.String()) }), ...Errors },
      },
    },
    async (request, reply) => {
      requireAdmin(request.viewer);
      const scope = requestedScope(request.viewer, request.body);
      if (scope.allMunicipalities) requireAdminCovers(request.viewer, '*');
      else if (scope.municipality !== null) requireAdminCovers(request.viewer, scope.municipality);
      const password = request.body.password ?? generatePassword();
      const created = await createUser(db(), { email: request.body.email, password, role: request.body.role, ...scope, displayName: request.body.display_name ?? null });
      await auditRequest(request, {
        action: 'user.create', municipality: created.allMunicipalities ? '*' : created.municipality,
        filters: { user_id: created.id, email: created.email, role: created.role, all_municipalities: created.allMunicipalities, password_generated: !request.body.password },
      });
      reply.status(201);
      return { user: await loadUser(request.viewer, created.id), password: request.body.password ? null : password };
    },
  );

  app.patch(
    '/api/users/:id',
    {
      bodyLimit: 16 * 1024,
      schema: {
        tags: ['admin'], summary: 'Change a user (admin): role, municipality, password, disabled, unlock; ends their sessions',
        params: IdParams,
        body: Type.Object({
          role: Type.Optional(RoleSchema), municipality: Type.Optional(Municipality), all_municipalities: Type.Optional(Type.Boolean()),
          password: Type.Optional(Type.String({ maxLength: 1024 })),
          disabled: Type.Optional(Type.Boolean()), unlock: Type.Optional(Type.Boolean()), display_name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
        }, { additionalProperties: false }),
        response: { 200: User, ...Errors },
      },
    },
    async (request) => {
      requireAdmin(request.viewer);
      const before = await loadUser(request.viewer, request.params.id);
      const b = request.body;
      // A new binding replaces the old one whole: one municipality, or every one on purpose.
      let scope: { municipality_code: string | null; all_municipalities: boolean } | null = null;
      if (b.all_municipalities === true) {
        if (b.municipality !== undefined) throw badRequest('municipality', 'give either a municipality or all_municipalities, not both');
        requireAdminCovers(request.viewer, '*');
        scope = { municipality_code: null, all_municipalities: true };
      } else if (b.municipality !== undefined) {
        requireAdminCovers(request.viewer, b.municipality);
        await validateAccountScope(db(), { municipality: b.municipality });
        scope = { municipality_code: b.municipality, all_municipalities: false };
      } else if (b.all_municipalities === false && before.all_municipalities) {
        throw badRequest('municipality', 'required when all_municipalities is turned off');
      }
      if (b.password !== undefined) {
        const problem = passwordProblem(b.password);
        if (problem) throw new AppError(400, 'BAD_REQUEST', `password: ${problem}`, [{ field: 'password', message: problem }]);
      }
      if (before.id === request.viewer.userId && (b.disabled || (b.role && b.role !== 'admin'))) {
        throw new AppError(409, 'SELF_LOCKOUT', 'You cannot disable yourself or take away your own admin role');
      }
      await db().updateTable('app_user').set({
        ...(b.role ? { role: b.role } : {}),
        ...(scope ?? {}),
        ...(b.password !== undefined ? { password_hash: await hashPassword(b.password) } : {}),
        ...(b.disabled !== undefined ? { disabled_at: b.disabled ? sql<Date>`now()` : null } : {}),
        ...(b.unlock ? { failed_attempts: 0, locked_until: null } : {}),
        ...(b.display_name !== undefined ? { display_name: b.display_name } : {}),
      }).where('id', '=', before.id).execute();
      if (b.role || scope || b.password !== undefined || b.disabled) await deleteSessionsOfUser(db(), before.id);
      const after = await loadUser(request.viewer, before.id);
      const changed = Object.fromEntries(
        (['role', 'municipality', 'all_municipalities', 'disabled', 'display_name'] as const)
          .filter((k) => before[k] !== after[k]).map((k) => [k, { from: before[k], to: after[k] }]),
      );
      await auditRequest(request, {
        action: 'user.update', municipality: after.all_municipalities ? '*' : after.municipality,
        filters: { user_id: after.id, email: after.email, changed, password_changed: b.password !== undefined, unlocked: b.unlock === true },
      });
      return after;
    },
  );

  app.get('/api/tokens', { schema: { tags: ['admin'], summary: 'API tokens (admin); secrets are never shown again', response: { 200: Type.Object({ tokens: Type.Array(Token) }), ...Errors } } }, async (request) => {
    requireAdmin(request.viewer);
    const rows = await db().selectFrom('api_token').select(['id', 'name', 'role', 'municipality_code', 'all_municipalities', 'created_at', 'last_used_at', 'revoked_at']).orderBy('id').execute();
    return {
      tokens: rows.filter((t) => adminCovers(request.viewer, scopeKey(t))).map((t) => ({
        id: t.id, name: t.name, role: t.role, municipality: t.municipality_code, all_municipalities: t.all_municipalities, created_at: iso(t.created_at)!, last_used_at: iso(t.last_used_at), revoked: t.revoked_at !== null,
      })),
    };
  });

  app.post(
    '/api/tokens',
    {
      bodyLimit: 16 * 1024,
      schema: {
        tags: ['admin'], summary: 'Create an API token (admin); the secret is in this answer only',
        body: Type.Object({
          role: RoleSchema, name: Type.Optional(Type.String({ maxLength: 200 })), municipality: Type.Optional(Nullable(Municipality)),
          all_municipalities: Type.Optional(Type.Boolean()),
        }, { additionalProperties: false }),
        response: {
          201: Type.Object({ id: Type.Integer(), token: Type.String(), name: Type.String(), role: Type.String(), municipality: Nullable(Type.String()), all_municipalities: Type.Boolean() }),
          ...Errors,
        },
      },
    },
    async (request, reply) => {
      requireAdmin(request.viewer);
      const scope = requestedScope(request.viewer, request.body);
      if (scope.allMunicipalities) requireAdminCovers(request.viewer, '*');
      else if (scope.municipality !== null) requireAdminCovers(request.viewer, scope.municipality);
      const t = await createToken(db(), { role: request.body.role, name: request.body.name ?? null, ...scope, createdBy: request.viewer.userId });
      await auditRequest(request, {
        action: 'token.create', municipality: t.allMunicipalities ? '*' : t.municipality,
        filters: { token_id: t.id, name: t.name, role: t.role, all_municipalities: t.allMunicipalities },
      });
      reply.status(201);
      return { id: t.id, token: t.token, name: t.name, role: t.role, municipality: t.municipality, all_municipalities: t.allMunicipalities };
    },
  );

  app.delete(
    '/api/tokens/:id',
    { schema: { tags: ['admin'], summary: 'Revoke an API token (admin)', params: IdParams, response: { 204: Type.Null(), ...Errors } } },
    async (request, reply) => {
      requireAdmin(request.viewer);
      const t = await db().selectFrom('api_token').select(['id', 'name', 'role', 'municipality_code', 'all_municipalities']).where('id', '=', request.params.id).executeTakeFirst();
      if (!t || !adminCovers(request.viewer, scopeKey(t))) throw notFound(`token ${request.params.id}`);
      await db().updateTable('api_token').set({ revoked_at: sql<Date>`coalesce(revoked_at, now())` }).where('id', '=', t.id).execute();
      await auditRequest(request, { action: 'token.revoke', municipality: scopeKey(t), filters: { token_id: t.id, name: t.name, role: t.role } });
      reply.status(204);
      return null;
    },
  );
}
