import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { ProblemSchema } from './problem.ts';

type Json = Record<string, unknown>;
type Operation = { responses?: Record<string, Json>; requestBody?: Json; security?: unknown[]; summary?: string; tags?: string[] };

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

/** Multipart bodies (file parts and text fields) of the upload routes, which Fastify's schema cannot express. */
const MULTIPART_BODIES: Record<string, { files: string[]; fields: string[] }> = {
  '/api/imports/incidents': { files: ['file'], fields: ['municipality', 'source', 'crs', 'allow_rejects'] },
  '/api/imports/districts': { files: ['file'], fields: ['municipality', 'name_field', 'kind', 'population_field', 'crs', 'allow_rejects'] },
  '/api/imports/survey': { files: ['file', 'marks'], fields: ['municipality', 'survey', 'crs', 'allow_rejects'] },
  '/api/imports/category-mapping': { files: ['file'], fields: ['municipality'] },
};

/** Files an operation can answer with besides JSON (OGC items as GeoPackage or FlatGeobuf, reports as PDF). */
const ALTERNATIVE_CONTENT: Record<string, string[]> = {
  '/ogc/collections/{collectionId}/items': ['application/geopackage+sqlite3', 'application/flatgeobuf'],
};

/** Routes served outside the JSON API that still belong in the document (so every route appears). */
const EXTRA_PATHS: Record<string, Json> = {
  '/api/openapi.json': {
    get: { tags: ['documentation'], summary: 'This OpenAPI document', responses: { 200: { description: 'OpenAPI 3.0', content: { 'application/json': { schema: { type: 'object' } } } } } },
  },
  '/api/docs': {
    get: { tags: ['documentation'], summary: 'Interactive API documentation (Swagger UI)', responses: { 200: { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } } } },
  },
  '/public': {
    get: {
      tags: ['public'], summary: 'The public page: published citizen promises and district trends (HTML)',
      parameters: [{ name: 'municipality', in: 'query', required: false, schema: { type: 'string', pattern: '^[0-9]{4}$' } }],
      responses: { 200: { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } } },
    },
  },
};

/**
 * Completes the generated document: Bearer and cookie security schemes, every error response as
 * application/problem+json with the shared Problem component, binary responses under their own media
 * type (vector tiles, files), multipart request bodies, and the non-JSON routes.
 */
export function completeOpenApiDocument(document: Json): Json {
  const doc = document as { paths?: Record<string, Record<string, Operation>>; components?: Json };
  const components = (doc.components ??= {}) as { schemas?: Json; securitySchemes?: Json; responses?: Json };
  components.schemas = { ...(components.schemas ?? {}), Problem: { ...ProblemSchema, description: 'RFC 9457 problem details; errors[] names each offending field' } };
  components.securitySchemes = {
    bearerAuth: { type: 'http', scheme: 'bearer', description: 'API token (`lagesbild token create`), for GIS clients and scripts' },
    cookieAuth: { type: 'apiKey', in: 'cookie', name: 'lagesbild_session', description: 'Session cookie from POST /api/auth/sign-in; writes also need the X-CSRF-Token header' },
  };
  const paths = (doc.paths ??= {});
  for (const [url, extra] of Object.entries(EXTRA_PATHS)) paths[url] ??= extra as Record<string, Operation>;
  for (const [url, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      // Anyone may call; what comes back depends on the credentials (SPEC §6).
      op.security = [{}, { bearerAuth: [] }, { cookieAuth: [] }];
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (Number(status) >= 400) {
          op.responses![status] = { description: (response.description as string | undefined) ?? 'Problem', content: { 'application/problem+json': { schema: PROBLEM_REF } } };
          continue;
        }
        const content = response.content as Record<string, { schema?: Json }> | undefined;
        const schema = content?.['application/json']?.schema;
        if (schema?.type === 'string' && schema.format === 'binary' && typeof schema.description === 'string' && /^[a-z]+\/[\w.+-]+$/.test(schema.description)) {
          response.content = { [schema.description]: { schema: { type: 'string', format: 'binary' } } };
        }
        if (status === '200' && ALTERNATIVE_CONTENT[url] && content) {
          for (const type of ALTERNATIVE_CONTENT[url]) content[type] = { schema: { type: 'string', format: 'binary' } };
          const json = content['application/json'];
          if (json) { content['application/geo+json'] = json; delete content['application/json']; }
        }
      }
      const multipart = method === 'post' ? MULTIPART_BODIES[url] : undefined;
      if (multipart) {
        op.requestBody = {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['file'],
                properties: Object.fromEntries([
                  ...multipart.files.map((f) => [f, { type: 'string', format: 'binary' }]),
                  ...multipart.fields.map((f) => [f, { type: 'string' }]),
                ]),
              },
            },
          },
        };
      }
    }
  }
  return document;
}

/** Options for @fastify/swagger: the document's info plus {@link completeOpenApiDocument}. */
export const OPENAPI_OPTIONS: FastifyDynamicSwaggerOptions = {
  openapi: {
    info: { title: 'Lägesbild API', version: '1', description: 'Joint police–municipality situation picture (SPEC §5). OGC API – Features at /ogc.' },
  },
  transformObject: (documentObject) => completeOpenApiDocument(('openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject) as Json) as never,
};
