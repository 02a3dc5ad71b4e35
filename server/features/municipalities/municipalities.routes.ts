import { Type } from 'typebox';
import { MunicipalitiesResponse } from '../../../shared/municipalities.schema.ts';
import type { AppInstance } from '../../app.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { listCategories, listFocusAreas, listMunicipalities } from './municipalities.queries.ts';
import { coversMunicipality } from '../auth/access.ts';

/** GET /api/municipalities: codes, names, focus areas and the category list. */
export async function municipalityRoutes(app: AppInstance) {
  app.get(
    '/api/municipalities',
    {
      schema: {
        tags: ['municipalities'],
        summary: 'Municipalities with their focus areas and the category list',
        querystring: Type.Object({}, { additionalProperties: false }),
        response: { 200: MunicipalitiesResponse, 400: ProblemSchema },
      },
    },
    async (request) => {
      const { db } = app.database;
      const viewer = request.viewer;
      const categories = await listCategories(db);
      const municipalities = (await listMunicipalities(db)).filter(
        (m) => coversMunicipality(viewer, m.code),
      );
      return {
        municipalities: await Promise.all(
          municipalities.map(async (m) => ({ ...m, focus_areas: await listFocusAreas(db, m.code), categories })),
        ),
      };
    },
  );
}
