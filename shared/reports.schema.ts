import { Type, type Static } from 'typebox';
import { DistrictStat, DistrictStats } from './districts.schema.ts';
import { GeometrySchema, Nullable, PeriodSchema } from './schema-kit.ts';
import { SurveyIndicatorsResponse } from './surveys.schema.ts';
import { TimePatternsResponse } from './time-patterns.schema.ts';

/**
 * The annual situation picture (SPEC §7, Lag 2023:196): the request and response shapes of /api/reports, the
 * report's whole content included, written once. The routes serialise with them — a response schema drops every
 * property it does not name, so each part of the content is named here (test/shared/reports.schema.test.ts
 * compares a served report with the service's own) — and the client takes its types from them.
 */

/** Longest free-text section, in characters. */
export const MAX_REPORT_TEXT_CHARS = 5000;

/** Calendar years a report may be made for (the service narrows the upper end to the current year). */
export const ReportYear = Type.Integer({ minimum: 2000, maximum: 2200 });

const Text = (what: string) => Type.Optional(Type.String({ maxLength: MAX_REPORT_TEXT_CHARS, description: `${what}: plain text, a blank line starts a new paragraph` }));

/** The body of POST /api/reports: which municipality and year, and the two free-text sections. */
export const ReportBody = Type.Object({
  municipality: Type.Optional(Type.String({ pattern: '^[0-9]{4}$', description: 'SCB municipality code' })),
  year: ReportYear,
  introduction: Text('Inledning, printed before the numbers'),
  conclusion: Text('Slutsatser, printed after the åtgärdsplan'),
}, { additionalProperties: false });

/** The free-text sections people write around the numbers (plain text; a blank line starts a new paragraph). */
export const ReportTextsSchema = Type.Object({ introduction: Type.String(), conclusion: Type.String() });

/** The report's content, built for one role from the role-filtered services and frozen into each version. */
export const ReportContentSchema = Type.Object({
  municipality: Type.String(),
  year: Type.Integer(),
  period: PeriodSchema,
  comparison: DistrictStats.properties.comparison,
  data_cutoff_at: Type.String(),
  filters: Type.Object({ categories: Type.Array(Type.String()), sources: Type.String(), level: Nullable(Type.String()), role: Type.String() }),
  kartlaggning: Type.Object({
    districts: Type.Array(DistrictStat),
    unlocated: Nullable(Type.Integer()),
    monthly: TimePatternsResponse.properties.monthly,
    arshjul: TimePatternsResponse.properties.arshjul,
    weekday_hour: TimePatternsResponse.properties.weekday_hour,
    police_initiated_note: Type.Array(Type.String()),
  }),
  analys: Type.Object({
    hotspots: Nullable(Type.Object({ cell_m: Type.Number(), hot: Type.Integer(), cold: Type.Integer(), cells: Type.Integer() })),
    survey: Nullable(Type.Object({ name: Type.String(), by_gender: SurveyIndicatorsResponse, by_age_group: SurveyIndicatorsResponse })),
  }),
  sources: Type.Object({ used: Type.Array(Type.String()), left_out: Type.Array(Type.String()) }),
  atgardsplan: Type.Object({
    priorities: Type.Array(Type.Object({ title: Type.String(), rationale: Nullable(Type.String()), owner: Nullable(Type.String()), due_date: Nullable(Type.String()), status: Type.String() })),
    actions: Type.Array(Type.Object({ title: Type.String(), responsible: Nullable(Type.String()), start_date: Nullable(Type.String()), end_date: Nullable(Type.String()) })),
  }),
  map: Type.Object({ level: Nullable(Type.String()), districts: Type.Array(Type.Object({ id: Type.Integer(), geometry: GeometrySchema })) }),
  categories: Type.Array(Type.Object({ code: Type.String(), sv: Type.String() })),
  // Only published versions carry texts; the preview has none.
  texts: Type.Optional(ReportTextsSchema),
});

/** A published version: POST /api/reports and GET /api/reports/{id}. */
export const ReportSchema = Type.Object({
  id: Type.Integer(),
  version: Type.Integer(),
  year: Type.Integer(),
  municipality: Type.String(),
  created_at: Type.String(),
  content: ReportContentSchema,
});

/** GET /api/reports/preview: the report as it would be published now for the viewer's role (nothing stored). */
export const ReportPreviewResponse = Type.Object({ municipality: Type.String(), year: Type.Integer(), content: ReportContentSchema });

/** A published version as listed. */
export const ReportVersionSchema = Type.Object({
  id: Type.Integer(), year: Type.Integer(), version: Type.Integer(), data_cutoff_at: Type.String(),
  created_by: Nullable(Type.String()), created_at: Type.String(),
});

/** GET /api/reports. */
export const ReportVersionListResponse = Type.Object({ municipality: Type.String(), reports: Type.Array(ReportVersionSchema) });

export type ReportContent = Static<typeof ReportContentSchema>;
export type ReportTexts = Static<typeof ReportTextsSchema>;
export type ReportInput = Static<typeof ReportBody>;
export type Report = Static<typeof ReportSchema>;
export type ReportVersion = Static<typeof ReportVersionSchema>;
export type ReportDistrict = ReportContent['kartlaggning']['districts'][number];
export type ReportSurveyGroup = NonNullable<ReportContent['analys']['survey']>['by_gender']['groups'][number];
