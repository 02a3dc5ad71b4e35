import { Type } from 'typebox';
import { DISTRICT_KINDS } from './categories.ts';

/** A value or null (TypeBox has no shorthand for it). */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** A half-open period [from, to) of 'YYYY-MM-DD' dates. */
export const PeriodSchema = Type.Object({ from: Type.String(), to: Type.String() });

/** A GeoJSON geometry, loosely (the geometry itself is not re-validated on the way out). */
export const GeometrySchema = Type.Object({ type: Type.String(), coordinates: Type.Array(Type.Unknown()) });

/** One of the district kinds of SPEC §4.1. */
export const DistrictKindSchema = Type.Union([
  Type.Literal(DISTRICT_KINDS[0]), Type.Literal(DISTRICT_KINDS[1]), Type.Literal(DISTRICT_KINDS[2]),
]);
