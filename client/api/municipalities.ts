import type { MunicipalitiesAnswer } from '../../shared/municipalities.schema.ts';
import { getJsonOnce } from './http.ts';

/**
 * GET /api/municipalities (those the viewer may see, with focus areas and categories), once per page load: the
 * map, the import panel and the meetings page share one request.
 */
export function fetchMunicipalities(): Promise<MunicipalitiesAnswer> {
  return getJsonOnce<MunicipalitiesAnswer>('/api/municipalities');
}
