import { sql } from 'kysely';
import type { Db } from '../../infra/db.ts';

/** Every municipality code and name, ordered by name. */
export async function listMunicipalities(db: Db) {
  return db.selectFrom('municipality').select(['code', 'name', 'is_demo']).orderBy('name').execute();
}

/** Focus areas of one municipality with the category codes filed under each. */
export async function listFocusAreas(db: Db, municipalityCode: string) {
  const rows = await sql<{
    id: number; code: string; name_sv: string; name_en: string; goal: string | null; responsible: string | null;
    indicators: string[]; categories: string[] | null;
  }>`
    SELECT f.id, f.code, f.name_sv, f.name_en, f.goal, f.responsible, f.indicators,
           array_remove(array_agg(c.category_code ORDER BY c.category_code), NULL) AS categories
      FROM focus_area f
      LEFT JOIN focus_area_category c ON c.municipality_code = f.municipality_code AND c.focus_area_id = f.id
     WHERE f.municipality_code = ${municipalityCode}
     GROUP BY f.id, f.code, f.name_sv, f.name_en, f.goal, f.responsible, f.indicators, f.sort_order
     ORDER BY f.sort_order, f.id`.execute(db);
  return rows.rows.map((r) => ({ ...r, categories: r.categories ?? [] }));
}

/** The category reference table in display order. */
export async function listCategories(db: Db) {
  return db.selectFrom('category').selectAll().orderBy('sort_order').execute();
}

/** Inserts a municipality; returns false when the code already exists. */
export async function insertMunicipality(db: Db, code: string, name: string, isDemo = false): Promise<boolean> {
  const result = await db
    .insertInto('municipality')
    .values({ code, name, is_demo: isDemo })
    .onConflict((oc) => oc.column('code').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}
