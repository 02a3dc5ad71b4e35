import { sql } from 'kysely';
import type { Db } from '../../infra/db.ts';
import type { Viewer } from '../auth/viewer.ts';

/** What was asked for: enough to tell later who saw which point-level data or export. */
export interface AuditEntry {
  action: string;
  route: string;
  municipality?: string | null;
  filters?: Record<string, unknown>;
  resultCount?: number | null;
  ip?: string | null;
}

/** Writes one audit-log row for a request for point-level data or an export (SPEC §6). */
export async function recordAudit(db: Db, viewer: Viewer, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      user_id: viewer.userId,
      token_id: viewer.tokenId,
      role: viewer.role,
      action: entry.action,
      route: entry.route,
      municipality_code: entry.municipality ?? null,
      filters: JSON.stringify(entry.filters ?? {}),
      result_count: entry.resultCount ?? null,
      ip: entry.ip ?? null,
      actor: sql<string | null>`coalesce((SELECT email FROM app_user WHERE id = ${viewer.userId}), (SELECT name FROM api_token WHERE id = ${viewer.tokenId}))`,
    })
    .execute();
}
