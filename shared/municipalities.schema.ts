import { Type, type Static } from 'typebox';
import { Nullable } from './schema-kit.ts';

/** GET /api/municipalities: the municipalities a viewer may see, each with its focus areas and the category list. */

export const MunicipalityCategorySchema = Type.Object({
  code: Type.String(),
  name_sv: Type.String(),
  name_en: Type.String(),
  sensitivity: Type.String(),
  default_focus_area: Type.String(),
  police_initiated: Type.Boolean(),
});

/** A focus area (fokusområde) of a municipality, editable per municipality (SPEC §4.4). */
export const FocusAreaSchema = Type.Object({
  code: Type.String(),
  name_sv: Type.String(),
  name_en: Type.String(),
  goal: Nullable(Type.String()),
  responsible: Nullable(Type.String()),
  indicators: Type.Array(Type.String()),
  categories: Type.Array(Type.String()),
});

export const MunicipalitySchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  is_demo: Type.Boolean(),
  focus_areas: Type.Array(FocusAreaSchema),
  categories: Type.Array(MunicipalityCategorySchema),
});

export const MunicipalitiesResponse = Type.Object({ municipalities: Type.Array(MunicipalitySchema) });

export type MunicipalityCategory = Static<typeof MunicipalityCategorySchema>;
export type FocusArea = Static<typeof FocusAreaSchema>;
export type Municipality = Static<typeof MunicipalitySchema>;
export type MunicipalitiesAnswer = Static<typeof MunicipalitiesResponse>;
