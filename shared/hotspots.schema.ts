import { Type, type Static } from 'typebox';
import { EMERGING_PATTERNS, GI_CLASSES } from './constants.ts';
import { GeometrySchema, Nullable, PeriodSchema } from './schema-kit.ts';

/** A cell count: exact, or "<5" where the viewer's counts are suppressed. */
export const HotspotCount = Type.Union([Type.Integer(), Type.Literal('<5')]);

export { GI_CLASSES };
export const GiClass = Type.Union([
  Type.Literal('hot99'), Type.Literal('hot95'), Type.Literal('hot90'), Type.Literal('ns'),
  Type.Literal('cold90'), Type.Literal('cold95'), Type.Literal('cold99'),
]);

export { EMERGING_PATTERNS };
export const EmergingPattern = Type.Union([
  Type.Literal('new'), Type.Literal('intensifying'), Type.Literal('persistent'),
  Type.Literal('diminishing'), Type.Literal('sporadic'), Type.Literal('no_pattern'),
]);

const Meta = {
  municipality: Type.String(),
  period: PeriodSchema,
  categories: Type.Array(Type.String()),
  cell_m: Type.Number(),
  band_m: Type.Number(),
  n_cells: Type.Integer(),
  method: Type.String(),
};

/** GET /api/stats/hotspots: Gi* per hexagon (WGS84 GeoJSON). */
export const HotspotsResponse = Type.Object({
  type: Type.Literal('FeatureCollection'),
  ...Meta,
  total: HotspotCount,
  features: Type.Array(Type.Object({
    type: Type.Literal('Feature'),
    geometry: GeometrySchema,
    properties: Type.Object({
      i: Type.Integer(), j: Type.Integer(), count: HotspotCount,
      z: Nullable(Type.Number()), p: Nullable(Type.Number()), p_fdr: Nullable(Type.Number()), class: GiClass,
    }),
  })),
});

/** GET /api/stats/hotspots/emerging: a Mann–Kendall pattern per hexagon over equal time slices. */
export const EmergingHotspotsResponse = Type.Object({
  type: Type.Literal('FeatureCollection'),
  ...Meta,
  slices: Type.Array(PeriodSchema),
  features: Type.Array(Type.Object({
    type: Type.Literal('Feature'),
    geometry: GeometrySchema,
    properties: Type.Object({
      i: Type.Integer(), j: Type.Integer(), count: HotspotCount, pattern: EmergingPattern,
      slice_z: Type.Array(Nullable(Type.Number())), slice_class: Type.Array(GiClass), slice_counts: Type.Array(Nullable(HotspotCount), { description: 'null where counts are suppressed for your role' }),
    }),
  })),
});

export type HotspotsResponseT = Static<typeof HotspotsResponse>;
export type EmergingHotspotsResponseT = Static<typeof EmergingHotspotsResponse>;
