import { Type } from 'typebox';
import type { AppInstance } from '../../app.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { listCategories, listFocusAreas, listMunicipalities } from './municipalities.queries.ts';
import { coversMunicipality } from '../auth/access.ts';

const CategorySchema = Type.Object({
  code: Type.String(),
  name_sv: Type.String(),
  name_en: Type.String(),
  sensitivity: Type.String(),
  default_focus_area: Type.String(),
  police_initiated: Type.Boolean(),
});
const FocusAreaSchema = Type.Object({
  code: Type.String(),
  name_sv: Type.String(),
  name_en: Type.String(),
  goal: Type.Union([Type.String(), Type.Null()]),
  responsible: Type.Union([Type.String(), Type.Null()]),
  indicators: Type.Array(Type.String()),
  categories: Type.Array(Type.String()),
});
const MunicipalitySchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  is_demo: Type.Boolean(),
  focus_areas: Type.Array(FocusAreaSchema),
  categories: Type.Array(CategorySchema),
});

/** GET /api/municipalities: codes, names, focus areas and the category list. */
export async function municipalityRoutes(app: AppInstance) {
  app.get(
    '/api/municipalities',
    {
      schema: {
        tags: ['municipalities'],
        summary: 'Municipalities with their focus areas and the category list',
        querystring: Type.Object({}, { additionalProperties: false }),
        response: { 200: Type.Object({ municipalities: Type.Array(MunicipalitySchema) }), 400: ProblemSchema },
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
