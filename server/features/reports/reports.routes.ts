import { Type } from 'typebox';
import { ReportBody, ReportPreviewResponse, ReportSchema as Report, ReportVersionListResponse, ReportYear } from '../../../shared/reports.schema.ts';
import type { AppInstance } from '../../app.ts';
import { ProblemSchema } from '../../infra/problem.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { IncidentFilterQuery } from '../incidents/incident-filters.ts';
import { renderReportHtml, renderReportPdf } from './reports.pdf.ts';
import { getAnnualReport, listAnnualReports, previewAnnualReport, publishAnnualReport } from './reports.service.ts';

const Errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 503: ProblemSchema };
const Year = ReportYear;
const Id = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) });

/** POST /api/reports, GET /api/reports/:id (JSON, or HTML for printing) and GET /api/reports/:id/pdf (SPEC §7). */
export async function reportRoutes(app: AppInstance) {
  app.get('/api/reports', {
    schema: {
      tags: ['reports'], summary: 'The published versions you may open again (those built for your role), newest first',
      querystring: Type.Object({ municipality: IncidentFilterQuery.municipality, year: Type.Optional(Year) }, { additionalProperties: false }),
      response: { 200: ReportVersionListResponse, ...Errors },
    },
  }, async (request) => listAnnualReports(app.database.db, request.viewer, request.query));

  app.get('/api/reports/preview', {
    schema: {
      tags: ['reports'], summary: 'The annual situation picture as it would be published now for your role, not stored (the preview)',
      querystring: Type.Object({ municipality: IncidentFilterQuery.municipality, year: Year }, { additionalProperties: false }),
      response: { 200: ReportPreviewResponse, ...Errors },
    },
  }, async (request) => {
    const content = await previewAnnualReport(app.database.db, request.viewer, request.query);
    return { municipality: content.municipality, year: content.year, content };
  });

  app.post('/api/reports', {
    // Two free-text sections of up to 5,000 characters (up to 4 bytes each in UTF-8) and the rest.
    bodyLimit: 48 * 1024,
    schema: {
      tags: ['reports'], summary: 'Publish a new version of the annual situation picture for a municipality and year (built for your role), with its introduction and conclusion',
      body: ReportBody,
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
