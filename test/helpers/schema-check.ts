import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';

/** Validation errors as readable lines (path and message), so a drift names the field. */
export function schemaProblems(schema: TSchema, body: unknown): string[] {
  return [...Value.Errors(schema, body)].slice(0, 5).map((e) => `${(e as { instancePath?: string }).instancePath ?? ''} ${e.message}`);
}

type Path = (string | number)[];
type SchemaNode = { anyOf?: SchemaNode[]; type?: string; items?: SchemaNode | SchemaNode[]; properties?: Record<string, SchemaNode>; required?: string[] };

/**
 * The paths of every required property that `value` actually holds, at every depth the value reaches (the first
 * element of each array; the matching branch of each union). Deleting any one of them must fail the schema.
 */
export function requiredPaths(schema: TSchema, value: unknown, path: Path = []): Path[] {
  const s = schema as SchemaNode;
  if (value === null || typeof value !== 'object') return [];
  if (s.anyOf) {
    const branch = s.anyOf.find((b) => Value.Check(b as TSchema, value));
    return branch ? requiredPaths(branch as TSchema, value, path) : [];
  }
  if (Array.isArray(value)) {
    return s.type === 'array' && s.items && !Array.isArray(s.items) && value.length ? requiredPaths(s.items as TSchema, value[0], [...path, 0]) : [];
  }
  if (s.type !== 'object' || !s.properties) return [];
  const out: Path[] = [];
  for (const [key, child] of Object.entries(s.properties)) {
    if (!(key in value)) continue;
    if (s.required?.includes(key)) out.push([...path, key]);
    out.push(...requiredPaths(child as TSchema, (value as Record<string, unknown>)[key], [...path, key]));
  }
  return out;
}

/** A deep copy of `value` without the property at `path`. */
export function without(value: unknown, path: Path): unknown {
  const copy = structuredClone(value);
  let node = copy as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  delete node[path[path.length - 1]];
  return copy;
}

/**
 * The required paths whose removal the schema does NOT notice (empty when the schema is strict about every
 * field the real answer has). Also answers how many paths were tried, so a test can see that it tried some.
 */
export function unnoticedRemovals(schema: TSchema, value: unknown): { tried: number; unnoticed: string[] } {
  const paths = requiredPaths(schema, value);
  const unnoticed = paths.filter((p) => Value.Check(schema, without(value, p))).map((p) => p.join('.'));
  return { tried: paths.length, unnoticed };
}
