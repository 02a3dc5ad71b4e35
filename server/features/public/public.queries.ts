import type { Db } from '../../infra/db.ts';

export interface PublishedPromiseRow {
  id: number;
  title: string;
  district_ids: number[];
  period_start: string;
  period_end: string;
  problems: string[];
  status: string;
  published_at: Date | null;
  followed_up_at: Date | null;
}

/** Citizen promises of a municipality that are published or followed up (never drafts or agreed-only ones). */
export async function listPublishedPromises(db: Db, municipality: string): Promise<PublishedPromiseRow[]> {
  return db
    .selectFrom('citizen_promise')
    .select(['id', 'title', 'district_ids', 'period_start', 'period_end', 'problems', 'status', 'published_at', 'followed_up_at'])
    .where('municipality_code', '=', municipality)
    .where('status', 'in', ['published', 'followed_up'])
    .orderBy('period_start', 'desc')
    .orderBy('id')
    .execute() as Promise<PublishedPromiseRow[]>;
}

/** Commitments of the given promises, in their order. */
export async function listPromiseCommitments(db: Db, municipality: string, promiseIds: number[]) {
  if (!promiseIds.length) return [];
  return db
    .selectFrom('citizen_promise_commitment')
    .select(['promise_id', 'actor', 'text', 'responsible'])
    .where('municipality_code', '=', municipality)
    .where('promise_id', 'in', promiseIds)
    .orderBy('promise_id').orderBy('sort_order').orderBy('id')
    .execute();
}

/** Indicators of the given promises, in their order. */
export async function listPromiseIndicators(db: Db, municipality: string, promiseIds: number[]) {
  if (!promiseIds.length) return [];
  return db
    .selectFrom('citizen_promise_indicator')
    .select(['promise_id', 'key', 'baseline', 'target', 'followup'])
    .where('municipality_code', '=', municipality)
    .where('promise_id', 'in', promiseIds)
    .orderBy('promise_id').orderBy('sort_order').orderBy('id')
    .execute();
}

/** District names by id, for the public page. */
export async function districtNames(db: Db, municipality: string): Promise<Map<number, string>> {
  const rows = await db.selectFrom('district').select(['id', 'name']).where('municipality_code', '=', municipality).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}
