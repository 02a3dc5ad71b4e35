import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/test-app.ts';

type Json = Record<string, any>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** Every `$ref` in a JSON value. */
function refsOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsOf(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsOf(v, out);
    }
  }
  return out;
}

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: Json;

  beforeAll(async () => {
    t = await buildTestApp('pglite');
    const res = await t.app.inject({ url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    doc = res.json();
  });
  afterAll(async () => t?.close());

  it('is OpenAPI 3.0 with info and paths', () => {
    expect(doc.openapi).toMatch(/^3\.0\.\d$/);
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toBeTruthy();
    expect(Object.keys(doc.paths).length).toBeGreaterThan(30);
  });

  it('lists every registered route', () => {
    const documented = new Set(Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops as Json).map((m) => `${m.toUpperCase()} ${p}`)));
    const missing = t.app.routeTable
      .filter((r) => !r.url.startsWith('/api/docs/'))
      .map((r) => `${r.method} ${r.url.replace(/:([A-Za-z_]+)/g, '{$1}')}`)
      .filter((key) => !documented.has(key));
    expect(missing).toEqual([]);
  });

  it('declares Bearer and cookie security schemes and uses them on every operation', () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes.cookieAuth).toMatchObject({ type: 'apiKey', in: 'cookie' });
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(ops as Json)) {
        if (!METHODS.includes(m)) continue;
        expect(op.security, `${m} ${p}`).toEqual(expect.arrayContaining([{ bearerAuth: [] }, { cookieAuth: [] }]));
      }
    }
  });

  it('answers every error as application/problem+json with the shared Problem component', () => {
    expect(doc.components.schemas.Problem.properties).toMatchObject({ type: {}, title: {}, status: {}, detail: {}, errors: {} });
    let errors = 0;
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(ops as Json)) {
        expect(op.responses, `${m} ${p} has responses`).toBeTruthy();
        for (const [status, response] of Object.entries(op.responses as Json)) {
          if (Number(status) < 400) continue;
          errors++;
          expect(Object.keys(response.content), `${m} ${p} ${status}`).toEqual(['application/problem+json']);
          expect(response.content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
        }
      }
    }
    expect(errors).toBeGreaterThan(50);
  });

  it.each(['incidents', 'hotspots', 'survey-marks'])('describes the %s vector tile as binary under its own media type', (layer) => {
    const tile = doc.paths[`/api/tiles/${layer}/{z}/{x}/{y}.mvt`].get.responses['200'].content;
    expect(tile).toEqual({ 'application/vnd.mapbox-vector-tile': { schema: { type: 'string', format: 'binary' } } });
  });

  it('describes the uploads as multipart bodies with a binary file part', () => {
    for (const p of ['/api/imports/incidents', '/api/imports/districts', '/api/imports/survey']) {
      const schema = doc.paths[p].post.requestBody.content['multipart/form-data'].schema;
      expect(schema.properties.file, p).toEqual({ type: 'string', format: 'binary' });
      expect(schema.properties.municipality, p).toBeDefined();
    }
  });

  it('declares every path parameter and resolves every $ref', () => {
    for (const [p, ops] of Object.entries(doc.paths)) {
      const names = [...p.matchAll(/\{([^}]+)\}/g)].map((x) => x[1]);
      for (const [m, op] of Object.entries(ops as Json)) {
        const declared = (op.parameters ?? []).filter((x: Json) => x.in === 'path').map((x: Json) => x.name);
        expect(declared.sort(), `${m} ${p}`).toEqual([...names].sort());
        for (const param of op.parameters ?? []) expect(param.schema ?? param.content, `${m} ${p} ${param.name}`).toBeTruthy();
      }
    }
    for (const ref of refsOf(doc)) {
      expect(ref.startsWith('#/'), ref).toBe(true);
      const target = ref.slice(2).split('/').reduce<any>((node, key) => node?.[key], doc);
      expect(target, ref).toBeDefined();
    }
  });
});
