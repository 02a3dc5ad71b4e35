import { CATEGORY_BY_CODE, SOURCES } from '../../../shared/categories.ts';
import { MAX_REPORT_TEXT_CHARS, type ReportContent, type ReportTexts } from '../../../shared/reports.schema.ts';
import { hotspotAccess } from '../../../shared/roles.ts';
import type { Db } from '../../infra/db.ts';
import { AppError, badRequest, notFound } from '../../infra/errors.ts';
import { requireAccess } from '../auth/guards.ts';
import type { Viewer } from '../auth/viewer.ts';
import { getDistrictStats } from '../districts/district-stats.service.ts';
import { getHotspots } from '../hotspots/hotspots.service.ts';
import { resolveIncidentFilters } from '../incidents/incident-filters.ts';
import { resolveMunicipality } from '../municipalities/municipalities.service.ts';
import { getSurveyIndicators, listSurveysFor } from '../surveys/surveys.service.ts';
import { getTimePatterns } from '../time-patterns/time-patterns.service.ts';
import {
  findLatestIncidentTime, findReport, insertReportVersion, listActionsOfYear, listDecidedPriorities, listDistrictOutlines, listReportVersions,
  listSourcesWithIncidents,
} from './reports.queries.ts';

/** Roles that produce the annual situation picture (those who work with the data; admin has no data access). */
function mayProduceReport(role: Viewer['role']): boolean {
  return role === 'council' || role === 'planner' || role === 'analyst' || role === 'police';
}

/**
 * Builds the annual situation picture (SPEC §7, Lag 2023:196) for a municipality and calendar year as the
 * viewer may see it: kartläggning (district levels and change against the year before, årshjul, time of
 * day), analysis (hotspots where the role may see them, the latest survey by gender and age group), the
 * sources used and left out, the data cut-off, and the åtgärdsplan (decided priorities and actions).
 * Every number comes from the same services as the API, so the role's suppression applies unchanged.
 */
export async function buildAnnualReport(db: Db, viewer: Viewer, input: { municipality?: string; year: number }): Promise<Omit<ReportContent, 'texts'>> {
  requireAccess(viewer, mayProduceReport(viewer.role), 'produce the annual situation picture');
  const municipality = await resolveMunicipality(db, input.municipality, viewer);
  const from = `${input.year}-01-01`, to = `${input.year + 1}-01-01`;
  const filters = await resolveIncidentFilters(db, { municipality, from, to }, viewer);
  const stats = await getDistrictStats(db, filters, { compare: 'previous' });
  const time = await getTimePatterns(db, filters, null);
  let hotspots: { cell_m: number; hot: number; cold: number; cells: number } | null = null;
  if (hotspotAccess(viewer.role)) {
    try {
      const h = await getHotspots(db, filters, viewer.role, { cell: 250 });
      const classes = h.features.map((f) => f.properties.class);
      hotspots = { cell_m: h.cell_m, cells: h.n_cells, hot: classes.filter((c) => c.startsWith('hot')).length, cold: classes.filter((c) => c.startsWith('cold')).length };
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
    }
  }
  const surveys = (await listSurveysFor(db, viewer, municipality)).surveys;
  // The survey nearest the report's year (the list is newest first): the newest conducted by the end of the year, so
  // a report on 2024 written in 2026 describes the trygghet of 2024, not a survey taken since; without one, the
  // earliest after it (its name says when). An undated survey may be any year's.
  const latest = surveys.find((s) => (s.conducted_from ?? s.conducted_to ?? '') < to) ?? surveys.at(-1);
  // As GET /api/surveys/{id}/indicators does, the report withholds which hidden group is only a complement: that
  // would tell which of the hidden groups is the small one.
  const published = async (by: 'gender' | 'age_group') => {
    const answer = await getSurveyIndicators(db, viewer, latest!.id, { by: [by], municipality });
    return { ...answer, groups: answer.groups.map(({ complement: _, ...g }) => g) };
  };
  const survey = latest ? { name: latest.name, by_gender: await published('gender'), by_age_group: await published('age_group') } : null;
  const used = await listSourcesWithIncidents(db, municipality, from, to, filters.categories);
  const latestIncident = await findLatestIncidentTime(db, municipality);
  const outlines = await listDistrictOutlines(db, municipality, stats.level);
  return {
    municipality,
    year: input.year,
    period: stats.period,
    comparison: stats.comparison,
    data_cutoff_at: latestIncident ? new Date(latestIncident).toISOString() : new Date().toISOString(),
    filters: { categories: filters.categories, sources: 'alla', level: stats.level, role: viewer.role },
    kartlaggning: {
      districts: stats.districts,
      unlocated: stats.unlocated,
      monthly: time.monthly,
      arshjul: time.arshjul,
      weekday_hour: time.weekday_hour,
      police_initiated_note: time.notes,
    },
    analys: { hotspots, survey },
    sources: { used, left_out: SOURCES.filter((s) => !used.includes(s)) },
    atgardsplan: { priorities: await listDecidedPriorities(db, municipality), actions: await listActionsOfYear(db, municipality, input.year) },
    map: { level: stats.level, districts: outlines.map((o) => ({ id: o.id, geometry: JSON.parse(o.geometry) })) },
    categories: filters.categories.map((c) => ({ code: c, sv: CATEGORY_BY_CODE.get(c)!.sv })),
  };
}

/** Longest free-text section, in characters. */
export const MAX_TEXT_CHARS = MAX_REPORT_TEXT_CHARS;

/** A report's content, as stored with each version and served (the shared schema is its allow-list). */
export type AnnualReportContent = ReportContent;

function checkYear(year: number): void {
  const now = new Date().getUTCFullYear();
  if (!Number.isInteger(year) || year < 2000 || year > now) throw badRequest('year', `a calendar year 2000–${now}`);
}

// Plain text only: control characters other than line breaks and tabs have no place in a printed report.
function cleanText(field: keyof ReportTexts, value: string | undefined): string {
  const text = (value ?? '').replace(/\r\n?/g, '\n').trim();
  if (text.length > MAX_TEXT_CHARS) throw badRequest(field, `at most ${MAX_TEXT_CHARS} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) throw badRequest(field, 'control characters are not allowed');
  return text;
}

/** The report as it would be published now, for the viewer's role, without storing anything (the preview). */
export async function previewAnnualReport(db: Db, viewer: Viewer, input: { municipality?: string; year: number }) {
  checkYear(input.year);
  return buildAnnualReport(db, viewer, input);
}

/** The published versions this viewer may open again (those built for the viewer's role), newest first. */
export async function listAnnualReports(db: Db, viewer: Viewer, input: { municipality?: string; year?: number }) {
  requireAccess(viewer, mayProduceReport(viewer.role), 'read annual situation pictures');
  const municipality = await resolveMunicipality(db, input.municipality, viewer);
  if (input.year !== undefined) checkYear(input.year);
  const rows = await listReportVersions(db, municipality, viewer.role, input.year ?? null);
  return {
    municipality,
    reports: rows.map((r) => ({
      id: r.id, year: r.year, version: r.version, data_cutoff_at: new Date(r.data_cutoff_at).toISOString(),
      created_by: r.created_by_name, created_at: new Date(r.created_at).toISOString(),
    })),
  };
}

/**
 * Publishes a new version of the report (earlier versions stay unchanged) with the introduction and conclusion
 * its authors wrote; returns its id and version.
 */
export async function publishAnnualReport(
  db: Db, viewer: Viewer, input: { municipality?: string; year: number; introduction?: string; conclusion?: string }, createdByName: string | null,
) {
  checkYear(input.year);
  const texts: ReportTexts = { introduction: cleanText('introduction', input.introduction), conclusion: cleanText('conclusion', input.conclusion) };
  const content: AnnualReportContent = { ...(await buildAnnualReport(db, viewer, { municipality: input.municipality, year: input.year })), texts };
  const stored = await insertReportVersion(db, {
    municipality: content.municipality, year: input.year, cutoff: content.data_cutoff_at, filters: content.filters, content,
    role: viewer.role, createdBy: viewer.userId, createdByName,
  });
  return { id: stored.id, version: stored.version, created_at: new Date(stored.created_at).toISOString(), content };
}

/** A stored version, only for a viewer of the role it was built for (its content obeys that role) and its municipality. */
export async function getAnnualReport(db: Db, viewer: Viewer, id: number) {
  requireAccess(viewer, mayProduceReport(viewer.role), 'read annual situation pictures');
  const row = await findReport(db, id);
  if (!row || (viewer.municipalityCodes && !viewer.municipalityCodes.includes(row.municipality_code))) throw notFound(`Report ${id}`);
  if (row.viewer_role !== viewer.role) throw new AppError(403, 'FORBIDDEN', `This report was made for the role ${row.viewer_role}; yours (${viewer.role}) may see different numbers`);
  const content = (typeof row.content === 'string' ? JSON.parse(row.content) : row.content) as AnnualReportContent;
  return { id: row.id, version: row.version, year: row.year, municipality: row.municipality_code, created_at: new Date(row.created_at).toISOString(), created_by: row.created_by_name, content };
}
