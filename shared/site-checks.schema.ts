import { Type, type Static } from 'typebox';
import { GeometrySchema, Nullable } from './schema-kit.ts';

/**
 * Site checks (SPEC §7): the report's shape, written once. The routes serialise with it (an allow-list:
 * aggregates only, never points, SPEC §6); the client takes its type from it.
 */

const Count = Nullable(Type.Integer());
const Suppression = Nullable(Type.Union([Type.Literal('small'), Type.Literal('complementary')]));
const Geometry = GeometrySchema;
const Zone = Type.Union([Type.Literal('site'), Type.Literal('within_100'), Type.Literal('within_250'), Type.Literal('within_500')]);

// Allow-list of a site report: aggregates only, never points (SPEC §6).
const Report = {
  municipality: Type.String(),
  period: Type.Object({ from: Type.String(), to: Type.String() }),
  buffer_m: Type.Number(),
  site: Geometry,
  area_m2: Type.Number(),
  categories: Type.Array(Type.String()),
  suppressed: Type.Boolean(),
  viewer_role: Type.String(),
  incidents: Type.Object({
    zones: Type.Array(Type.Object({ zone: Zone, distance_m: Type.Number(), area_m2: Type.Number(), area_in_municipality_m2: Type.Number() })),
    municipality_area_m2: Type.Number(),
    totals: Type.Array(Type.Object({ zone: Zone, count: Count, suppression: Suppression })),
    categories: Type.Array(Type.Object({
      category: Type.String(), name_sv: Type.String(), name_en: Type.String(), police_initiated: Type.Boolean(), municipality_count: Count,
      zones: Type.Array(Type.Object({
        zone: Zone, distance_m: Type.Number(), count: Count, suppression: Suppression, expected: Type.Number(), ratio: Nullable(Type.Number()),
        direction: Nullable(Type.Union([Type.Literal('higher'), Type.Literal('lower'), Type.Literal('as_expected')])),
        p_value: Nullable(Type.Number()), significant: Nullable(Type.Boolean()),
      })),
    })),
  }),
  time: Type.Object({
    zone: Zone, distance_m: Type.Number(), time_zone: Type.String(), total: Count, weekdays: Type.Array(Type.String()),
    by_weekday: Type.Array(Count),
    by_time_of_day: Type.Array(Type.Object({ key: Type.String(), hours: Type.String(), count: Count })),
    weekday_hour: Type.Array(Type.Array(Count)),
  }),
  survey_marks: Nullable(Type.Object({
    zone: Zone, distance_m: Type.Number(), total: Type.Integer(), inside_site: Type.Integer(),
    by_reason: Type.Array(Type.Object({ reason: Type.String(), count: Type.Integer() })),
    by_time_of_day: Type.Array(Type.Object({ time_of_day: Type.String(), count: Type.Integer() })),
  })),
  hotspots: Nullable(Type.Object({
    cell_m: Type.Number(), band_m: Type.Number(), within_m: Type.Number(), method: Type.String(),
    cells: Type.Array(Type.Object({
      i: Type.Integer(), j: Type.Integer(), class: Type.String(), count: Type.Union([Type.Integer(), Type.Literal('<5')]),
      z: Nullable(Type.Number()), p_fdr: Nullable(Type.Number()), distance_m: Type.Number(), geometry: Geometry,
    })),
  })),
  checklist: Type.Array(Type.Object({
    key: Type.String(), title_sv: Type.String(), title_en: Type.String(), advice_sv: Type.String(), raised: Type.Boolean(),
    evidence: Type.Array(Type.Object({ source: Type.String(), detail: Type.String() })),
  })),
  method: Type.String(),
  notes: Type.Array(Type.String()),
};

/** A site report as POST /api/site-checks and GET /api/site-checks/{id} answer it. */
export const SiteReportSchema = Type.Object({
  id: Nullable(Type.Integer()), name: Nullable(Type.String()), saved_at: Nullable(Type.String()), recomputed: Type.Boolean(),
  input_geometry: Type.Optional(Nullable(Type.Unknown())),
  ...Report,
});

export type SiteReport = Static<typeof SiteReportSchema>;
