import { Type, type Static } from 'typebox';
import { ROLES } from './roles.ts';
import { Nullable } from './schema-kit.ts';

/** Who is asking, as GET /api/auth/me and POST /api/auth/sign-in answer (the CSRF token is for cookie writes). */
export const MeSchema = Type.Object({
  role: Type.Union([
    Type.Literal(ROLES[0]), Type.Literal(ROLES[1]), Type.Literal(ROLES[2]), Type.Literal(ROLES[3]), Type.Literal(ROLES[4]), Type.Literal(ROLES[5]),
  ]),
  signed_in: Type.Boolean(),
  via: Type.Union([Type.Literal('session'), Type.Literal('token'), Type.Null()]),
  email: Nullable(Type.String()),
  display_name: Nullable(Type.String()),
  municipalities: Nullable(Type.Array(Type.String())),
  csrf_token: Nullable(Type.String()),
  expires_at: Nullable(Type.String()),
});

export type Me = Static<typeof MeSchema>;
