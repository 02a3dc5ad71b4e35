import { Type } from 'typebox';
import { CATEGORIES, CATEGORY_BY_CODE, SOURCES } from '../../../shared/categories.ts';
import { aggregateAccess } from '../../../shared/roles.ts';
import { addYears, isIsoDate, stockholmToday, addDays } from '../../../shared/time.ts';
import type { Db } from '../../infra/db.ts';
import { AppError, badRequest } from '../../infra/errors.ts';
import type { Viewer } from '../auth/viewer.ts';
import { disclosedPeriod } from '../disclosure/index.ts';
import { resolveMunicipality } from '../municipalities/municipalities.service.ts';

const DATE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';

/** The common filters of SPEC §5 as querystring properties; spread into a route's querystring schema. */
export const IncidentFilterQuery = {
  municipality: Type.Optional(Type.String({ pattern: '^[0-9]{4}$', description: 'SCB municipality code' })),
  from: Type.Optional(Type.String({ pattern: DATE, description: 'first day, inclusive (Europe/Stockholm)' })),
  to: Type.Optional(Type.String({ pattern: DATE, description: 'end day, exclusive (Europe/Stockholm)' })),
  category: Type.Optional(Type.String({ maxLength: 1000, description: 'comma-separated category codes' })),
  source: Type.Optional(Type.String({ maxLength: 200, description: 'comma-separated sources' })),
  district: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 })),
};

export interface IncidentFilterInput {
  municipality?: string;
  from?: string;
  to?: string;
  category?: string;
  source?: string;
  district?: number;
}

/** Filters after validation and the viewer's access rules: what every incident query receives. */
export interface IncidentFilters {
  municipality: string;
  /** 'YYYY-MM-DD', inclusive, Europe/Stockholm midnight. */
  from: string;
  /** 'YYYY-MM-DD', exclusive. */
  to: string;
  /** Never empty: when none were asked for, every category the viewer may see. */
  categories: string[];
  sources: string[] | null;
  districtId: number | null;
  /** Whether counts 1–4 must be suppressed for this viewer and these categories. */
  suppress: boolean;
  /** True when disclosure control widened the asked period to whole months (server/features/disclosure). */
  periodWidened?: boolean;
}

function splitList(value: string | undefined): string[] | null {
  if (value === undefined) return null;
  const items = [...new Set(value.split(',').map((s) => s.trim()).filter(Boolean))];
  return items.length ? items : null;
}

/** The default period: the last twelve months up to and including today (Stockholm). */
export function defaultPeriod(now = new Date()): { from: string; to: string } {
  const to = addDays(stockholmToday(now), 1);
  return { from: addYears(to, -1), to };
}

/**
 * Validates the common filters and applies the viewer's category access (SPEC §5, §6). For aggregates (the
 * default) the period goes through disclosure control, which may widen it to whole months; point routes pass
 * `purpose: 'points'` and keep the asked period (they have their own per-point rules).
 */
export async function resolveIncidentFilters(
  db: Db, input: IncidentFilterInput, viewer: Viewer, options: { purpose?: 'aggregate' | 'points' } = {},
): Promise<IncidentFilters> {
  const municipality = await resolveMunicipality(db, input.municipality, viewer);
  for (const field of ['from', 'to'] as const) {
    const v = input[field];
    if (v !== undefined && !isIsoDate(v)) throw badRequest(field, `not a calendar date: ${v}`);
  }
  const fallback = defaultPeriod();
  const to = input.to ?? (input.from ? addYears(input.from, 1) : fallback.to);
  const from = input.from ?? addYears(to, -1);
  if (from >= to) throw badRequest('from', `must be before to (${from} ≥ ${to})`);
  if (from < '1900-01-01' || to > '2200-01-01') throw badRequest('from', 'period outside 1900–2200');

  const requested = splitList(input.category);
  for (const code of requested ?? []) {
    if (!CATEGORY_BY_CODE.has(code)) throw badRequest('category', `unknown category code "${code.slice(0, 60)}"`);
  }
  const allowed = (requested ?? CATEGORIES.map((c) => c.code)).filter(
    (code) => aggregateAccess(viewer.role, CATEGORY_BY_CODE.get(code)!.sensitivity) !== null,
  );
  if (requested) {
    const denied = requested.filter((c) => !allowed.includes(c));
    if (denied.length) {
      throw new AppError(403, 'FORBIDDEN_CATEGORY', `Your role may not see aggregates of: ${denied.join(', ')}`, [
        { field: 'category', message: `not permitted: ${denied.join(', ')}` },
      ]);
    }
  }
  if (!allowed.length) throw new AppError(403, 'FORBIDDEN_CATEGORY', 'Your role may not see incident aggregates');
  const suppress = allowed.some((c) => aggregateAccess(viewer.role, CATEGORY_BY_CODE.get(c)!.sensitivity)!.suppressed);

  const sources = splitList(input.source);
  for (const s of sources ?? []) {
    if (!(SOURCES as readonly string[]).includes(s)) throw badRequest('source', `unknown source "${s.slice(0, 60)}" (one of ${SOURCES.join(', ')})`);
  }
  const period = options.purpose === 'points' ? { from, to, widened: false } : disclosedPeriod(viewer.role, allowed, from, to);
  return {
    municipality, from: period.from, to: period.to, categories: allowed, sources, districtId: input.district ?? null, suppress,
    ...(period.widened ? { periodWidened: true } : {}),
  };
}
