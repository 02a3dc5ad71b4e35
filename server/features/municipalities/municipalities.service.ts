import type { Db } from '../../infra/db.ts';
import { AppError, badRequest } from '../../infra/errors.ts';
import { coversMunicipality, requireMunicipalityScope } from '../auth/access.ts';
import type { Viewer } from '../auth/viewer.ts';
import { listMunicipalities } from './municipalities.queries.ts';

/**
 * The municipality a request is about: the one named, or the only one there is. Every tenant query
 * filters by the code this returns.
 */
export async function resolveMunicipality(db: Db, code: string | undefined, viewer: Viewer): Promise<string> {
  const all = await listMunicipalities(db);
  const visible = all.filter((m) => coversMunicipality(viewer, m.code));
  if (code !== undefined) {
    if (!all.some((m) => m.code === code)) throw badRequest('municipality', `unknown municipality code ${code}`);
    requireMunicipalityScope(viewer, code);
    return code;
  }
  if (visible.length === 1) return visible[0].code;
  if (visible.length === 0) throw new AppError(404, 'NO_MUNICIPALITY', 'No municipality has been set up yet');
  throw badRequest('municipality', 'required when there is more than one municipality');
}
