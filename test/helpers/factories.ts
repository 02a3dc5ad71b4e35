import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../server/infra/db.ts';
import { insertIncidents } from '../../server/features/incidents/incidents.queries.ts';

/** SWEREF 99 TM origin for fixtures: somewhere in Uppland, far from every real boundary question. */
export const ORIGIN = { e: 650_000, n: 6_600_000 };

/** Inserts a municipality. */
export async function createMunicipality(db: Db, code = '0999', name = 'Testkommun') {
  await db.insertInto('municipality').values({ code, name }).execute();
  return code;
}

/** Inserts an axis-aligned square district (SWEREF 99 TM metres, offsets from ORIGIN) and returns its id. */
export async function createDistrict(
  db: Db,
  p: { municipality: string; name: string; kind?: 'kommundel' | 'stadsdel' | 'omrade'; parentId?: number | null; population?: number | null; x: number; y: number; size: number },
): Promise<number> {
  const x0 = ORIGIN.e + p.x, y0 = ORIGIN.n + p.y, x1 = x0 + p.size, y1 = y0 + p.size;
  const wkt = `MULTIPOLYGON(((${x0} ${y0},${x1} ${y0},${x1} ${y1},${x0} ${y1},${x0} ${y0})))`;
  const row = await sql<{ id: number }>`
    INSERT INTO district (municipality_code, name, kind, parent_id, population, geom)
    VALUES (${p.municipality}, ${p.name}, ${p.kind ?? 'stadsdel'}, ${p.parentId ?? null}, ${p.population ?? null}, ST_GeomFromText(${wkt}, 3006))
    RETURNING id`.execute(db);
  return row.rows[0].id;
}

let refCounter = 0;

/** Inserts incidents; x/y are offsets in metres from ORIGIN, or omitted for an unlocated incident. */
export async function createIncidents(
  db: Db,
  municipality: string,
  rows: { category?: string; at: string; x?: number; y?: number; source?: string; ref?: string }[],
) {
  await insertIncidents(
    db,
    municipality,
    rows.map((r) => ({
      source: r.source ?? 'police',
      source_ref: r.ref ?? `ref-${++refCounter}`,
      category_code: r.category ?? 'stold',
      source_category: null,
      occurred_at: r.at,
      occurred_until: null,
      x: r.x === undefined ? null : ORIGIN.e + r.x,
      y: r.y === undefined ? null : ORIGIN.n + r.y,
      place: null,
      description: null,
      content_hash: createHash('sha1').update(JSON.stringify(r)).digest('hex'),
    })),
    null,
  );
}

/** n copies of an incident row (distinct refs), for building counts. */
export function times<T>(n: number, row: T): T[] {
  return Array.from({ length: n }, () => ({ ...row }));
}
