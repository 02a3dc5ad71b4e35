import { Type, type Static } from 'typebox';
import { DistrictKindSchema, GeometrySchema, Nullable, PeriodSchema } from './schema-kit.ts';

/** The contract of GET /api/districts and GET /api/stats/districts: routes validate with these, the client imports the types. */

export const DistrictProperties = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Type.String(),
  parent_id: Nullable(Type.Integer()),
  population: Nullable(Type.Integer()),
  population_by_gender: Nullable(Type.Record(Type.String(), Type.Number())),
  population_by_age: Nullable(Type.Record(Type.String(), Type.Number())),
  label_point: Nullable(Type.Tuple([Type.Number(), Type.Number()], {
    description: '[lon, lat] of a point guaranteed inside the district (ST_PointOnSurface), for its label',
  })),
});

export const DistrictFeature = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.Integer(),
  geometry: GeometrySchema,
  properties: DistrictProperties,
});

export const DistrictCollection = Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(DistrictFeature) });

export const DistrictsQuery = { kind: Type.Optional(DistrictKindSchema) };

export const SuppressionSchema = Nullable(Type.Union([Type.Literal('small'), Type.Literal('complementary')], {
  description: 'small = "<5"; complementary = hidden so a small count cannot be worked out by difference',
}));

export const DistrictStat = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Type.String(),
  parent_id: Nullable(Type.Integer()),
  population: Nullable(Type.Integer()),
  count: Nullable(Type.Integer()),
  rate_per_1000: Nullable(Type.Number()),
  previous_count: Nullable(Type.Integer()),
  change_pct: Nullable(Type.Number()),
  change_significant: Nullable(Type.Boolean()),
  p_value: Nullable(Type.Number()),
  suppressed: Type.Boolean(),
  suppression: SuppressionSchema,
});

export const CompareSchema = Type.Union([Type.Literal('previous'), Type.Literal('year')], { default: 'previous' });

export const DistrictStatsQuery = { compare: Type.Optional(CompareSchema), level: Type.Optional(DistrictKindSchema) };

export const DistrictStats = Type.Object({
  municipality: Type.String(),
  period: PeriodSchema,
  comparison: Type.Object({ compare: Type.String(), from: Type.String(), to: Type.String() }),
  level: Nullable(Type.String()),
  categories: Type.Array(Type.String()),
  districts: Type.Array(DistrictStat),
  unlocated: Nullable(Type.Integer()),
  unlocated_suppressed: Type.Boolean(),
});

export type DistrictPropertiesT = Static<typeof DistrictProperties>;
export type DistrictFeatureT = Static<typeof DistrictFeature>;
export type DistrictCollectionT = Static<typeof DistrictCollection>;
export type DistrictStatT = Static<typeof DistrictStat>;
export type DistrictStatsT = Static<typeof DistrictStats>;
