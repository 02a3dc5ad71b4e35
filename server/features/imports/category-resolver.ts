import { SOURCES as INCIDENT_SOURCES } from '../../../shared/categories.ts';

/** Where an incident report comes from (SPEC §4.2); the list lives in shared/. */
export { INCIDENT_SOURCES };

/** One of {@link INCIDENT_SOURCES}. */
export type IncidentSource = (typeof INCIDENT_SOURCES)[number];

const SOURCE_ALIASES: Record<string, IncidentSource> = {
  polis: 'police',
  polisen: 'police',
  kommun: 'municipality',
  kommunen: 'municipality',
  bostad: 'housing',
  bostadsbolag: 'housing',
  fastighetsägare: 'housing',
  bevakning: 'security',
  vaktbolag: 'security',
  säkerhetsbolag: 'security',
  väktare: 'security',
  kollektivtrafik: 'transport',
  trafik: 'transport',
  allmänhet: 'public',
  allmänheten: 'public',
  invånare: 'public',
  medborgare: 'public',
};

/** Reads a source name (English code or common Swedish word, any case); `undefined` when unknown. */
export function parseIncidentSource(text: string): IncidentSource | undefined {
  const key = text.trim().toLowerCase();
  if ((INCIDENT_SOURCES as readonly string[]).includes(key)) return key as IncidentSource;
  return SOURCE_ALIASES[key];
}

/** A category as known to the import: its stable code and names people may write instead. */
export interface KnownCategory {
  code: string;
  name_sv?: string;
  name_en?: string;
}

/** A municipality's translation of a source's own code (e.g. a police crime code) to a category; `source` null applies to all sources. */
export interface CategoryMappingEntry {
  source: IncidentSource | null;
  source_code: string;
  category: string;
}

/** Turns the `category` cell of a row into a category code, or `undefined` when nothing matches. */
export interface CategoryResolver {
  resolve(raw: string, source: IncidentSource): string | undefined;
}

/**
 * Builds the resolver: a category code or name (case-insensitive) matches directly; otherwise the
 * municipality's mapping for the row's source, then its mapping for any source.
 */
export function createCategoryResolver(categories: readonly KnownCategory[], mappings: readonly CategoryMappingEntry[] = []): CategoryResolver {
  const direct = new Map<string, string>();
  for (const category of categories) {
    for (const name of [category.code, category.name_sv, category.name_en]) {
      if (name) direct.set(name.trim().toLowerCase(), category.code);
    }
  }
  const mapped = new Map<string, string>();
  for (const entry of mappings) mapped.set(mappingKey(entry.source, entry.source_code), entry.category);
  return {
    resolve(raw, source) {
      const key = raw.trim().toLowerCase();
      if (key === '') return undefined;
      return direct.get(key) ?? mapped.get(mappingKey(source, key)) ?? mapped.get(mappingKey(null, key));
    },
  };
}

function mappingKey(source: IncidentSource | null, code: string): string {
  return `${source ?? '*'}\u0000${code.trim().toLowerCase()}`;
}
