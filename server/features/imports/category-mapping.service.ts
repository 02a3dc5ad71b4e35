import type { Db } from '../../infra/db.ts';
import { AppError, badRequest } from '../../infra/errors.ts';
import { clip } from './cell-values.ts';
import { parseIncidentSource, type CategoryMappingEntry } from './category-resolver.ts';
import { DEFAULT_CSV_LIMITS, openCsvTable } from './csv-reader.ts';
import { ImportFileError, RowErrorList } from './import-errors.ts';
import { buildSummary, emptyCounts, fileErrorSummary, type ImportSummary } from './import-summary.ts';
import { checksumTap } from './incident-import.service.ts';
import {
  deleteCategoryMapping,
  finishImportBatch,
  insertImportBatch,
  listCategoryMappings,
  listKnownCategories,
  municipalityExists,
  upsertCategoryMappings,
} from './imports.queries.ts';

/** A mapping entry on the wire: `source` is null for "every source". */
export interface CategoryMappingView {
  source: string | null;
  source_code: string;
  category: string;
}

/** Header aliases of a mapping CSV. */
const MAPPING_COLUMNS: Record<string, readonly string[]> = {
  source: ['source', 'källa', 'kalla'],
  source_code: ['source_code', 'kod', 'code', 'brottskod', 'källkod'],
  category: ['category', 'kategori', 'category_code'],
};

async function requireMunicipality(db: Db, code: string): Promise<void> {
  if (!(await municipalityExists(db, code))) throw new AppError(404, 'MUNICIPALITY_NOT_FOUND', `Kommunen ${code} finns inte.`);
}

/** A municipality's mapping entries. */
export async function listMappings(db: Db, municipality: string): Promise<CategoryMappingView[]> {
  await requireMunicipality(db, municipality);
  return (await listCategoryMappings(db, municipality)).map((e) => ({ source: e.source, source_code: e.source_code, category: e.category }));
}

/**
 * A mapping change as the access module judges it: the entry's source (null = every source) and every
 * category involved, the new one and the one it replaces, since moving a code out of a category decides
 * who sees those incidents as much as moving it in.
 */
export interface MappingChange {
  source: string | null;
  categories: (string | null)[];
}

/** The category an entry maps to now, or null (codes are matched case-insensitively, as the resolver does). */
async function currentCategory(db: Db, municipality: string, source: string | null, code: string): Promise<string | null> {
  const key = code.trim().toLowerCase();
  const found = (await listCategoryMappings(db, municipality)).find((e) => e.source === source && e.source_code.trim().toLowerCase() === key);
  return found?.category ?? null;
}

/**
 * Sets one entry (source null = every source); 400 naming the field for an unknown source or category.
 * `authorize` sees the change (with the category it replaces) and throws when the caller may not make it.
 */
export async function setMapping(
  db: Db,
  municipality: string,
  entry: CategoryMappingView,
  authorize?: (change: MappingChange) => void,
): Promise<{ entry: CategoryMappingView; previous: string | null }> {
  await requireMunicipality(db, municipality);
  const checked = await checkEntry(db, entry);
  const previous = await currentCategory(db, municipality, checked.source, checked.source_code);
  authorize?.({ source: checked.source, categories: [checked.category, previous] });
  await upsertCategoryMappings(db, municipality, [checked]);
  return { entry: { source: checked.source, source_code: checked.source_code, category: checked.category }, previous };
}

/** Removes one entry and returns the category it mapped to; 404 when there was none. */
export async function removeMapping(
  db: Db,
  municipality: string,
  source: string | null,
  sourceCode: string,
  authorize?: (change: MappingChange) => void,
): Promise<string> {
  await requireMunicipality(db, municipality);
  const parsed = source === null || source === '' || source === '*' ? null : parseIncidentSource(source);
  if (parsed === undefined) throw badRequest('source', `unknown source "${source}"`);
  const previous = await currentCategory(db, municipality, parsed, sourceCode);
  if (previous === null) throw new AppError(404, 'MAPPING_NOT_FOUND', `Ingen översättning för koden ${sourceCode}${source ? ` från ${source}` : ''}.`);
  authorize?.({ source: parsed, categories: [previous] });
  await deleteCategoryMapping(db, municipality, parsed ?? '*', sourceCode.trim());
  return previous;
}

async function checkEntry(db: Db, entry: CategoryMappingView): Promise<CategoryMappingEntry> {
  const source = entry.source === null || entry.source === '' || entry.source === '*' ? null : parseIncidentSource(entry.source);
  if (source === undefined) throw badRequest('source', `unknown source "${entry.source}"`);
  const code = entry.source_code.trim();
  if (!code || code.length > 100) throw badRequest('source_code', 'must be 1–100 characters');
  const categories = new Set((await listKnownCategories(db)).map((c) => c.code));
  if (!categories.has(entry.category)) throw badRequest('category', `unknown category "${entry.category}"`);
  return { source, source_code: code, category: entry.category };
}

/**
 * Imports a mapping CSV (source, source_code, category) as one batch: every row must be valid or
 * nothing is written. Existing entries for the same source and code are replaced.
 */
export async function importCategoryMap(
  db: Db,
  input: {
    municipality: string; bytes: AsyncIterable<Uint8Array>; fileName: string; createdBy: string;
    /** Why the importer may not make this change (a row error naming the field), or null; the CLI passes none. */
    refuse?: (change: MappingChange) => { field: string; message: string } | null;
  },
): Promise<ImportSummary> {
  if (!(await municipalityExists(db, input.municipality))) {
    return fileErrorSummary(new ImportFileError('UNKNOWN_MUNICIPALITY', `Kommunen ${input.municipality} finns inte.`));
  }
  const categories = new Set((await listKnownCategories(db)).map((c) => c.code));
  const existing = new Map((await listCategoryMappings(db, input.municipality)).map((e) => [`${e.source ?? '*'}\u0000${e.source_code.trim().toLowerCase()}`, e.category]));
  const errors = new RowErrorList();
  const entries: CategoryMappingEntry[] = [];
  const seen = new Map<string, number>();
  const tap = checksumTap(input.bytes);
  try {
    const table = await openCsvTable(tap.stream, DEFAULT_CSV_LIMITS);
    const index = (column: string) => MAPPING_COLUMNS[column].map((name) => table.header.indexOf(name)).find((i) => i >= 0);
    const codeIndex = index('source_code');
    const categoryIndex = index('category');
    const sourceIndex = index('source');
    if (codeIndex === undefined || categoryIndex === undefined) {
      throw new ImportFileError('MISSING_COLUMNS', `Översättningsfilen behöver kolumnerna source_code och category (valfritt source). Hittade: ${table.header.join(', ')}.`);
    }
    for await (const record of table.records) {
      const cell = (i: number | undefined) => (i === undefined ? '' : (record.fields[i] ?? '').trim());
      const rowErrors = [];
      const sourceText = cell(sourceIndex);
      const source = sourceText === '' || sourceText === '*' ? null : parseIncidentSource(sourceText);
      if (source === undefined) rowErrors.push({ row: record.row, field: 'source', message: `source: okänd källa "${clip(sourceText)}"` });
      const code = cell(codeIndex);
      if (!code) rowErrors.push({ row: record.row, field: 'source_code', message: 'source_code saknas' });
      else if (code.length > 100) rowErrors.push({ row: record.row, field: 'source_code', message: 'source_code är längre än 100 tecken' });
      const category = cell(categoryIndex).toLowerCase();
      if (!categories.has(category)) rowErrors.push({ row: record.row, field: 'category', message: `category: okänd kategorikod "${clip(category)}"` });
      const key = `${source ?? '*'}\u0000${code.toLowerCase()}`;
      if (rowErrors.length === 0 && seen.has(key)) {
        rowErrors.push({ row: record.row, field: 'source_code', message: `koden "${clip(code)}" finns redan på rad ${seen.get(key)}` });
      }
      if (rowErrors.length === 0 && input.refuse) {
        const refusal = input.refuse({ source: source ?? null, categories: [category, existing.get(key) ?? null] });
        if (refusal) rowErrors.push({ row: record.row, field: refusal.field, message: `${refusal.field}: ${refusal.message}` });
      }
      if (rowErrors.length) {
        errors.addRow(rowErrors);
        continue;
      }
      seen.set(key, record.row);
      entries.push({ source: source ?? null, source_code: code, category });
    }
  } catch (error) {
    if (error instanceof ImportFileError) return fileErrorSummary(error);
    throw error;
  }
  if (errors.rejectedRows > 0) return buildSummary({ batch: null, counts: emptyCounts(), errors, written: false, allowRejects: false });
  return db.transaction().execute(async (trx) => {
    const batchId = await insertImportBatch(trx, {
      municipality: input.municipality,
      kind: 'category_mapping',
      fileName: input.fileName,
      checksum: tap.digest(),
      source: null,
      createdBy: input.createdBy,
    });
    const result = await upsertCategoryMappings(trx, input.municipality, entries);
    const counts = { accepted: result.inserted, updated: result.updated, unchanged: result.unchanged, unlocated: 0 };
    const summary = buildSummary({ batch: batchId, counts, errors, written: true, allowRejects: false });
    await finishImportBatch(trx, input.municipality, batchId, { ...counts, rejected: 0, summary: { ...summary } });
    return summary;
  });
}
