import { Type, type Static } from 'typebox';
import { Nullable, PeriodSchema } from './schema-kit.ts';

const Count = Nullable(Type.Integer());

/** The answer of GET/POST /api/stats/time (weekday × hour, monthly series, årshjul). */
export const TimePatternsResponse = Type.Object({
  municipality: Type.String(),
  period: PeriodSchema,
  scope: Type.Union([Type.Literal('municipality'), Type.Literal('district'), Type.Literal('area')]),
  district: Nullable(Type.Integer()),
  categories: Type.Array(Type.String()),
  time_zone: Type.String(),
  total: Count,
  unlocated: Count,
  weekdays: Type.Array(Type.String()),
  weekday_hour: Type.Array(Type.Array(Count)),
  monthly: Type.Array(Type.Object({ month: Type.String(), count: Count })),
  arshjul: Type.Object({
    months: Type.Array(Type.Integer()),
    categories: Type.Array(Type.Object({ code: Type.String(), name_sv: Type.String(), counts: Type.Array(Count) })),
  }),
  suppressed_cells: Type.Integer(),
  notes: Type.Array(Type.String()),
});

export type TimePatternsResponseT = Static<typeof TimePatternsResponse>;
