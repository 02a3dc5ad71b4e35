import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../../infra/db.ts';
import type { Viewer } from '../auth/viewer.ts';

/** What was asked for: enough to tell later who saw which point-level data or export, or changed whose rights. */
export interface AuditEntry {
  action: string;
  route: string;
  /** The municipality the request was about, resolved (never left null when it can be known); '*' for every one. */
  municipality?: string | null;
  filters?: Record<string, unknown>;
  resultCount?: number | null;
  ip?: string | null;
}

/** Writes one audit-log row (SPEC §6: point-level data, exports, sign-ins, rights changes, refusals). */
export async function recordAudit(db: Db, viewer: Viewer, entry: AuditEntry): Promise<void> {
  // The viewer's own single municipality is the answer when the caller could not name one.
  const municipality = entry.municipality ?? (viewer.municipalityCodes?.length === 1 ? viewer.municipalityCodes[0] : null);
  await db
    .insertInto('audit_log')
    .values({
      user_id: viewer.userId,
      token_id: viewer.tokenId,
      role: viewer.role,
      action: entry.action,
      route: entry.route,
      municipality_code: municipality,
      filters: JSON.stringify(entry.filters ?? {}),
      result_count: entry.resultCount ?? null,
      ip: entry.ip ?? null,
      actor: sql<string | null>`coalesce((SELECT email FROM app_user WHERE id = ${viewer.userId}), (SELECT name FROM api_token WHERE id = ${viewer.tokenId}))`,
    })
    .execute();
}

/** {@link recordAudit} for the request being answered: its viewer, route pattern and client address. */
export async function auditRequest(
  request: FastifyRequest,
  entry: Omit<AuditEntry, 'route' | 'ip'> & { route?: string },
  viewer: Viewer = request.viewer,
): Promise<void> {
  await recordAudit(request.server.database.db, viewer, { ...entry, route: entry.route ?? request.routeOptions.url ?? request.url.split('?')[0], ip: request.ip });
}
