import { Type } from 'typebox';
import type { AppInstance } from '../../app.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { IncidentFilterQuery } from '../incidents/incident-filters.ts';
import { renderReportHtml, renderReportPdf } from './reports.pdf.ts';
import { getAnnualReport, publishAnnualReport } from './reports.service.ts';

const Report = Type.Object({
  id: Type.Integer(),
  version: Type.Integer(),
  year: Type.Integer(),
  municipality: Type.String(),
  created_at: Type.String(),
  // Built only from the role-filtered services (district stats, time patterns, hotspots, surveys).
  content: Type.Record(Type.String(), Type.Unknown()),
});
const Errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 503: ProblemSchema };
const Id = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) });

/** POST /api/reports, GET /api/reports/:id (JSON, or HTML for printing) and GET /api/reports/:id/pdf (SPEC §7). */
export async function reportRoutes(app: AppInstance) {
  app.post('/api/reports', {
    bodyLimit: 4096,
    schema: {
      tags: ['reports'], summary: 'Publish a new version of the annual situation picture for a municipality and year (built for your role)',
      body: Type.Object({ municipality: IncidentFilterQuery.municipality, year: Type.Integer({ minimum: 2000, maximum: 2200 }) }, { additionalProperties: false }),
      response: { 201: Report, ...Errors },
    },
  }, async (request, reply) => {
    const r = await publishAnnualReport(app.database.db, request.viewer, request.body, request.session?.email ?? null);
    await recordAudit(app.database.db, request.viewer, {
      action: 'report.publish', route: '/api/reports', municipality: r.content.municipality, filters: { year: request.body.year, version: r.version }, resultCount: null, ip: request.ip,
    });
    return reply.code(201).send({ id: r.id, version: r.version, year: request.body.year, municipality: r.content.municipality, created_at: r.created_at, content: r.content });
  });

  app.get('/api/reports/:id', {
    schema: {
      tags: ['reports'], summary: 'A published version as JSON, or as printable HTML with format=html (the print-dialog fallback)',
      params: Id,
      querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('html')])) }, { additionalProperties: false }),
      response: { 200: Report, ...Errors },
    },
  }, async (request, reply) => {
    const r = await getAnnualReport(app.database.db, request.viewer, request.params.id);
    if (request.query.format === 'html') {
      return reply.type('text/html; charset=utf-8').send(renderReportHtml(r.content, { version: r.version, created_at: r.created_at }) as never);
    }
    return { id: r.id, version: r.version, year: r.year, municipality: r.municipality, created_at: r.created_at, content: r.content };
  });

  app.get('/api/reports/:id/pdf', {
    schema: {
      tags: ['reports'], summary: 'A published version as PDF (headless Chromium), with date, data cut-off and filters on every page',
      params: Id,
      response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'application/pdf' }), ...Errors },
    },
  }, async (request, reply) => {
    const r = await getAnnualReport(app.database.db, request.viewer, request.params.id);
    const pdf = await renderReportPdf(r.content, { version: r.version, created_at: r.created_at });
    await recordAudit(app.database.db, request.viewer, {
      action: 'export.pdf', route: '/api/reports/:id/pdf', municipality: r.municipality, filters: { report: r.id, version: r.version }, resultCount: null, ip: request.ip,
    });
    reply.header('content-disposition', `attachment; filename="lagesbild-${r.municipality}-${r.year}-v${r.version}.pdf"`);
    return reply.type('application/pdf').send(pdf);
  });
}
