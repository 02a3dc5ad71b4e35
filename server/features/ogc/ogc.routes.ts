import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppInstance } from '../../app.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { IncidentFilterQuery } from '../incidents/incident-filters.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { GEODATA_MEDIA_TYPES, writeFlatGeobuf, writeGeoPackage } from './geodata-file.ts';
import { CONFORMANCE, collectionFor, crsOf, CRS84, describeCollection, EPSG3006, getItem, getItems, MAX_LIMIT, stringifyItems, visibleCollections } from './ogc.service.ts';

const Link = Type.Object({ href: Type.String(), rel: Type.String(), type: Type.Optional(Type.String()), title: Type.Optional(Type.String()) });
const Links = Type.Array(Link);
const Format = Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('geojson')], { description: 'response format; JSON only' }));

const Municipality = { municipality: IncidentFilterQuery.municipality, f: Format };

const CollectionQuery = {
  ...Municipality,
  from: IncidentFilterQuery.from,
  to: IncidentFilterQuery.to,
  category: IncidentFilterQuery.category,
  source: IncidentFilterQuery.source,
  level: Type.Optional(Type.Union([Type.Literal('kommundel'), Type.Literal('stadsdel'), Type.Literal('omrade')])),
  compare: Type.Optional(Type.Union([Type.Literal('previous'), Type.Literal('year')])),
  cell: Type.Optional(Type.Number({ minimum: 50, maximum: 5000, description: 'hotspots: hexagon edge, metres' })),
  datetime: Type.Optional(Type.String({ maxLength: 100, description: 'RFC 3339 instant or interval; the period of district-stats and hotspots' })),
};

const ItemsQuery = Type.Object(
  {
    ...CollectionQuery,
    f: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('geojson'), Type.Literal('gpkg'), Type.Literal('fgb')], {
      description: 'geojson (default); gpkg = GeoPackage file (needs GDAL on the server), fgb = FlatGeobuf; files hold every matching feature up to the limit',
    })),
    bbox: Type.Optional(Type.String({ maxLength: 200, description: 'minx,miny,maxx,maxy in bbox-crs (default CRS84)' })),
    'bbox-crs': Type.Optional(Type.String({ maxLength: 100 })),
    crs: Type.Optional(Type.String({ maxLength: 100, description: `${CRS84} (default) or ${EPSG3006} (northing, easting)` })),
    limit: Type.Optional(Type.Integer({ minimum: 1, description: `features per page; above ${MAX_LIMIT} means ${MAX_LIMIT}` })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
  },
  { additionalProperties: false },
);

const Collection = Type.Object({
  id: Type.String(), title: Type.String(), description: Type.String(), itemType: Type.String(),
  crs: Type.Array(Type.String()), storageCrs: Type.String(),
  extent: Type.Object({ spatial: Type.Object({ bbox: Type.Array(Type.Array(Type.Number())), crs: Type.String() }) }),
  links: Links,
});

const Feature = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.Union([Type.String(), Type.Integer()]),
  geometry: Type.Union([Type.Object({ type: Type.String(), coordinates: Type.Array(Type.Unknown()) }), Type.Null()]),
  properties: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()])),
});

const Errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };

function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? 'localhost'}/ogc`;
}

// Links carry the caller's own parameters (municipality, period, filters) so a client following them
// stays in the same view; paging parameters are replaced.
function withQuery(url: string, query: Record<string, unknown>, extra: Record<string, string | number> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && k !== 'offset' && k !== 'limit' && k !== 'f') params.set(k, String(v));
  for (const [k, v] of Object.entries(extra)) params.set(k, String(v));
  const s = params.toString();
  return s ? `${url}?${s}` : url;
}

/** OGC API – Features (Part 1 Core + GeoJSON, Part 2 CRS) at /ogc over the role-filtered services (SPEC §5). */
export async function ogcRoutes(app: AppInstance) {
  const tags = ['ogc'];

  app.get('/ogc', {
    schema: {
      tags, summary: 'OGC API – Features landing page',
      querystring: Type.Object(Municipality, { additionalProperties: false }),
      response: { 200: Type.Object({ title: Type.String(), description: Type.String(), links: Links }), ...Errors },
    },
  }, async (request) => {
    const base = baseUrl(request);
    const q = request.query;
    return {
      title: 'Lägesbild – OGC API Features',
      description: 'Districts, district statistics, hotspots, survey marks and published citizen promises; what each collection holds follows the API token\'s role (SPEC §6).',
      links: [
        { href: withQuery(base, q), rel: 'self', type: 'application/json', title: 'This document' },
        { href: `${base.replace(/\/ogc$/, '')}/api/openapi.json`, rel: 'service-desc', type: 'application/vnd.oai.openapi+json;version=3.0', title: 'The API definition' },
        { href: `${base.replace(/\/ogc$/, '')}/api/docs`, rel: 'service-doc', type: 'text/html', title: 'The API documentation' },
        { href: withQuery(`${base}/conformance`, q), rel: 'conformance', type: 'application/json', title: 'Conformance classes' },
        { href: withQuery(`${base}/collections`, q), rel: 'data', type: 'application/json', title: 'Collections' },
      ],
    };
  });

  app.get('/ogc/conformance', {
    schema: {
      tags, summary: 'Conformance classes implemented',
      querystring: Type.Object(Municipality, { additionalProperties: false }),
      response: { 200: Type.Object({ conformsTo: Type.Array(Type.String()) }), ...Errors },
    },
  }, async () => ({ conformsTo: CONFORMANCE }));

  const describe = async (request: FastifyRequest, id: string, query: Record<string, unknown>) => {
    const def = collectionFor(request.viewer, id);
    const meta = await describeCollection(app.database.db, request.viewer, def, query.municipality as string | undefined);
    const url = `${baseUrl(request)}/collections/${def.id}`;
    return {
      ...meta,
      links: [
        { href: withQuery(url, query), rel: 'self', type: 'application/json', title: def.title },
        { href: withQuery(`${url}/items`, query), rel: 'items', type: 'application/geo+json', title: `${def.title} (GeoJSON)` },
      ],
    };
  };

  app.get('/ogc/collections', {
    schema: {
      tags, summary: 'The collections this viewer may read',
      querystring: Type.Object(CollectionQuery, { additionalProperties: false }),
      response: { 200: Type.Object({ links: Links, collections: Type.Array(Collection), crs: Type.Array(Type.String()) }), ...Errors },
    },
  }, async (request) => {
    const collections = [];
    for (const def of visibleCollections(request.viewer)) collections.push(await describe(request, def.id, request.query));
    return {
      links: [{ href: withQuery(`${baseUrl(request)}/collections`, request.query), rel: 'self', type: 'application/json', title: 'Collections' }],
      collections,
      crs: [CRS84, EPSG3006],
    };
  });

  app.get('/ogc/collections/:collectionId', {
    schema: {
      tags, summary: 'One collection',
      params: Type.Object({ collectionId: Type.String({ maxLength: 100 }) }),
      querystring: Type.Object(CollectionQuery, { additionalProperties: false }),
      response: { 200: Collection, ...Errors },
    },
  }, async (request) => describe(request, request.params.collectionId, request.query));

  app.get('/ogc/collections/:collectionId/items', {
    schema: {
      tags, summary: 'Features of a collection (GeoJSON), paged with limit/offset and next links',
      params: Type.Object({ collectionId: Type.String({ maxLength: 100 }) }),
      querystring: ItemsQuery,
      response: {
        200: Type.Object({
          type: Type.Literal('FeatureCollection'),
          features: Type.Array(Feature),
          links: Links,
          numberMatched: Type.Integer(),
          numberReturned: Type.Integer(),
          timeStamp: Type.String(),
        }),
        ...Errors,
      },
    },
  }, async (request, reply) => {
    const def = collectionFor(request.viewer, request.params.collectionId);
    const format = request.query.f;
    if (format === 'gpkg' || format === 'fgb') {
      // A file is for taking away: every matching feature (up to the maximum) in one go, WGS84 or SWEREF 99 TM.
      const srid = crsOf('crs', request.query.crs) === EPSG3006 ? 3006 : 4326;
      const all = await getItems(app.database.db, request.viewer, def, { ...request.query, crs: undefined, limit: request.query.limit ?? MAX_LIMIT }, request.ip);
      const features = all.features.map((f) => ({ geometry: f.geometry, properties: f.properties }));
      const file = format === 'gpkg'
        ? await writeGeoPackage(def.id.replace(/-/g, '_'), features, srid)
        : await writeFlatGeobuf(app.database.db, features, srid);
      await recordAudit(app.database.db, request.viewer, {
        action: `export.${format}`, route: `/ogc/collections/${def.id}/items`, municipality: all.municipality,
        filters: { ...request.query }, resultCount: features.length, ip: request.ip,
      });
      reply.header('content-disposition', `attachment; filename="lagesbild-${all.municipality}-${def.id}${all.period ? `-${all.period.from}` : ''}.${format}"`);
      return reply.type(GEODATA_MEDIA_TYPES[format]).send(file as never);
    }
    const result = await getItems(app.database.db, request.viewer, def, request.query, request.ip);
    const url = `${baseUrl(request)}/collections/${def.id}/items`;
    const q = request.query;
    const links = [
      { href: withQuery(url, q, { offset: result.offset, limit: result.limit }), rel: 'self', type: 'application/geo+json', title: 'This page' },
      { href: withQuery(`${baseUrl(request)}/collections/${def.id}`, { municipality: q.municipality }), rel: 'collection', type: 'application/json', title: def.title },
    ];
    if (result.offset + result.limit < result.numberMatched) {
      links.push({ href: withQuery(url, q, { offset: result.offset + result.limit, limit: result.limit }), rel: 'next', type: 'application/geo+json', title: 'Next page' });
    }
    if (result.offset > 0) {
      links.push({ href: withQuery(url, q, { offset: Math.max(0, result.offset - result.limit), limit: result.limit }), rel: 'prev', type: 'application/geo+json', title: 'Previous page' });
    }
    reply.type('application/geo+json');
    reply.header('content-crs', `<${result.crs}>`);
    // The response schema's union-typed property map made fast-json-stringify test every attribute of a
    // thousand features against each branch (about half of a 1,000-feature page). The allow-list is kept
    // where the features are built (ogc.service.ts names every property of every collection), so plain
    // JSON writes exactly the same document; memoised boundaries are copied as the text they came from.
    reply.serializer(stringifyItems as (payload: unknown) => string);
    return {
      type: 'FeatureCollection' as const,
      features: result.features,
      links,
      numberMatched: result.numberMatched,
      numberReturned: result.features.length,
      timeStamp: new Date().toISOString(),
    };
  });

  app.get('/ogc/collections/:collectionId/items/:featureId', {
    schema: {
      tags, summary: 'One feature',
      params: Type.Object({ collectionId: Type.String({ maxLength: 100 }), featureId: Type.String({ maxLength: 100 }) }),
      querystring: Type.Object({ ...CollectionQuery, crs: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ ...Feature.properties, links: Links }), ...Errors },
    },
  }, async (request, reply) => {
    const def = collectionFor(request.viewer, request.params.collectionId);
    const { feature, crs } = await getItem(app.database.db, request.viewer, def, request.query, request.params.featureId, request.ip);
    const url = `${baseUrl(request)}/collections/${def.id}`;
    reply.type('application/geo+json');
    reply.header('content-crs', `<${crs}>`);
    return {
      ...feature,
      links: [
        { href: withQuery(`${url}/items/${encodeURIComponent(String(feature.id))}`, request.query), rel: 'self', type: 'application/geo+json' },
        { href: withQuery(url, { municipality: request.query.municipality }), rel: 'collection', type: 'application/json' },
      ],
    };
  });
}
