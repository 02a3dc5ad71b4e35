import { MARK_REASONS, MARK_TIMES } from '../../../shared/constants.ts';
import { markAccess } from '../../../shared/roles.ts';
import type { Db } from '../../infra/db.ts';
import { AppError, badRequest } from '../../infra/errors.ts';
import type { Viewer } from '../auth/viewer.ts';
import { listSurveyMarks, selectMarkTilePoints } from './survey-marks.queries.ts';

// Reasons and times of day a mark can carry are shared with the client (SPEC §4.3).
export { MARK_REASONS, MARK_TIMES };
/** Most marks in one answer. */
export const MAX_MARKS = 20_000;

function listParam(field: string, value: string | undefined, allowed: readonly string[]): string[] | null {
  if (value === undefined) return null;
  const items = [...new Set(value.split(',').map((s) => s.trim()).filter(Boolean))];
  for (const item of items) {
    if (!allowed.includes(item)) throw badRequest(field, `unknown value "${item.slice(0, 40)}" (one of ${allowed.join(', ')})`);
  }
  return items.length ? items : null;
}

/** Marks for a viewer (SPEC §6): none for the public; comments only once approved, analysts also pending ones. */
export async function findSurveyMarks(
  db: Db, viewer: Viewer, municipality: string,
  input: { survey?: number; reason?: string; time_of_day?: string; district?: number },
) {
  const access = markAccess(viewer.role);
  if (!access) throw new AppError(403, 'FORBIDDEN_MARKS', 'Your role may not see survey marks');
  const reasons = listParam('reason', input.reason, MARK_REASONS);
  const times = listParam('time_of_day', input.time_of_day, MARK_TIMES);
  const rows = await listSurveyMarks(db, {
    municipality, surveyId: input.survey ?? null, reasons, times, districtId: input.district ?? null,
    commentStatuses: access.comments === 'all' ? ['approved', 'pending'] : ['approved'], limit: MAX_MARKS + 1,
  });
  const truncated = rows.length > MAX_MARKS;
  return { rows: truncated ? rows.slice(0, MAX_MARKS) : rows, truncated, showsPending: access.comments === 'all' };
}

/** Marks in one vector tile for a viewer: the filters of GET /api/survey-marks, positions only, never comments. */
export async function findSurveyMarkTilePoints(
  db: Db, viewer: Viewer, municipality: string,
  input: { survey?: number; reason?: string; time_of_day?: string },
  tile: { z: number; x: number; y: number; extent: number; buffer: number },
) {
  if (!markAccess(viewer.role)) throw new AppError(403, 'FORBIDDEN_MARKS', 'Your role may not see survey marks');
  const reasons = listParam('reason', input.reason, MARK_REASONS);
  const times = listParam('time_of_day', input.time_of_day, MARK_TIMES);
  const rows = await selectMarkTilePoints(db, { municipality, ...tile, surveyId: input.survey ?? null, reasons, times, limit: MAX_MARKS + 1 });
  const truncated = rows.length > MAX_MARKS;
  return { rows: truncated ? rows.slice(0, MAX_MARKS) : rows, truncated };
}
