import { Type, type Static } from 'typebox';

/**
 * Councils (SPEC §7): the request and response shapes of /api/councils, written once. The routes validate and
 * serialise with them; the client takes its types from them.
 */

/** A row id as a path or body parameter (a positive safe integer). */
export const IdSchema = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
/** An SCB municipality code as a query or body parameter. */
export const MunicipalityCodeSchema = Type.String({ pattern: '^[0-9]{4}$' });

/** The levels of a council: a local council (lokalt brottsförebyggande råd) or the coordinating one above them. */
export const COUNCIL_LEVELS = ['local', 'coordinating'] as const;
export type CouncilLevel = (typeof COUNCIL_LEVELS)[number];
const Level = Type.Union([Type.Literal(COUNCIL_LEVELS[0]), Type.Literal(COUNCIL_LEVELS[1])]);

/** A council on the wire (SPEC §7). */
export const CouncilSchema = Type.Object({
  id: Type.Integer(),
  municipality: Type.String(),
  name: Type.String(),
  level: Level,
  district_ids: Type.Array(Type.Integer()),
  member_ids: Type.Array(Type.Integer()),
  created_at: Type.String(),
  updated_at: Type.String(),
});

/** The body of POST /api/councils and PUT /api/councils/{id}; unknown fields are a 400. */
export const CouncilBody = Type.Object(
  {
    municipality: Type.Optional(MunicipalityCodeSchema),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    level: Level,
    district_ids: Type.Array(IdSchema, { maxItems: 500 }),
    member_ids: Type.Optional(Type.Array(IdSchema, { maxItems: 500 })),
  },
  { additionalProperties: false },
);

/** GET /api/councils: each council with whether the viewer sits on it. */
export const CouncilListResponse = Type.Object({
  municipality: Type.String(),
  councils: Type.Array(Type.Object({ ...CouncilSchema.properties, member: Type.Boolean() })),
});

/** GET /api/councils/member-candidates: users who may be seated on a council. */
export const MemberCandidatesResponse = Type.Object({
  municipality: Type.String(),
  users: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), role: Type.String() })),
});

export type Council = Static<typeof CouncilSchema>;
export type ListedCouncil = Static<typeof CouncilListResponse>['councils'][number];
export type CouncilInput = Static<typeof CouncilBody>;
export type MemberCandidate = Static<typeof MemberCandidatesResponse>['users'][number];
