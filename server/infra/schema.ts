import type { ColumnType, Generated, GeneratedAlways } from 'kysely';

/** PostGIS geometry: never read raw; go through the helpers in postgis.ts. */
type Geometry = ColumnType<unknown, unknown, unknown>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | T | undefined, string | T>;
/** 'YYYY-MM-DD': both backends return dates as strings (see db.ts). */
type DateString = string;

// The Kysely view of migrations/*.sql. Keep it in step with new migrations.

export interface MunicipalityTable { code: string; name: string; is_demo: Generated<boolean>; created_at: Generated<Date> }
export interface CategoryTable {
  code: string; name_sv: string; name_en: string; sensitivity: 'open' | 'restricted' | 'protected';
  default_focus_area: string; police_initiated: Generated<boolean>; sort_order: number;
}
export interface AppUserTable {
  id: Generated<number>; email: string; display_name: string | null; password_hash: string; role: string;
  municipality_code: string | null; is_demo: Generated<boolean>; failed_attempts: Generated<number>;
  locked_until: Timestamp | null; disabled_at: Timestamp | null; created_at: Generated<Date>;
  /** Migration 0007: every municipality, set on purpose; otherwise municipality_code is required. */
  all_municipalities: Generated<boolean>;
}
export interface UserSessionTable { id_hash: string; user_id: number; csrf_token: string; created_at: Generated<Date>; expires_at: Timestamp }
export interface ApiTokenTable {
  id: Generated<number>; name: string; token_hash: string; role: string; municipality_code: string | null;
  created_by: number | null; created_at: Generated<Date>; last_used_at: Timestamp | null; revoked_at: Timestamp | null;
  /** Migration 0007, as for app_user. */
  all_municipalities: Generated<boolean>;
}
export interface AuditLogTable {
  id: Generated<number>; at: Generated<Date>; user_id: number | null; token_id: number | null; role: string; action: string;
  route: string; municipality_code: string | null; filters: Json<Record<string, unknown>>; result_count: number | null; ip: string | null;
  /** Email of the user or name of the token at the time (migration 0005), kept when the account is removed. */
  actor: string | null;
}
export interface FocusAreaTable {
  municipality_code: string; id: Generated<number>; code: string; name_sv: string; name_en: string; goal: string | null;
  responsible: string | null; indicators: Json<string[]>; sort_order: Generated<number>;
}
export interface FocusAreaCategoryTable { municipality_code: string; focus_area_id: number; category_code: string }
export interface CategoryMappingTable { municipality_code: string; source: string; source_code: string; category_code: string }
export interface ImportBatchTable {
  municipality_code: string; id: Generated<number>; kind: string; file_name: string | null; checksum: string | null; source: string | null;
  created_by: string; created_at: Generated<Date>; status: Generated<'committed' | 'rolled_back'>; rolled_back_at: Timestamp | null;
  accepted: Generated<number>; updated: Generated<number>; unchanged: Generated<number>; unlocated: Generated<number>; rejected: Generated<number>;
  summary: Json<Record<string, unknown>>;
}
export interface DistrictTable {
  municipality_code: string; id: Generated<number>; external_id: string | null; name: string; kind: 'kommundel' | 'stadsdel' | 'omrade';
  parent_id: number | null; population: number | null; population_by_gender: Json<Record<string, number>> | null;
  population_by_age: Json<Record<string, number>> | null; geom: Geometry; batch_id: number | null; created_at: Generated<Date>;
}
export interface IncidentTable {
  municipality_code: string; id: Generated<number>; source: string; source_ref: string; category_code: string; source_category: string | null;
  occurred_at: Timestamp; occurred_until: Timestamp | null; geom: Geometry | null; district_id: number | null; place: string | null;
  description: string | null; content_hash: string; batch_id: number | null; created_at: Generated<Date>; updated_at: Generated<Date>;
  /** Generated (migrations/0004): local hour of the week, local month, ST_HexagonGrid(200) cell. */
  local_how: GeneratedAlways<number>; local_month: GeneratedAlways<number>; hex200_i: GeneratedAlways<number | null>; hex200_j: GeneratedAlways<number | null>;
}
/** Incident counts per local month, finest district (0 = none), category, source and located (migrations/0004, kept by triggers). */
export interface IncidentMonthRollupTable {
  municipality_code: string; month: number; district_key: number; category_code: string; source: string; located: boolean; n: number;
}
/** Incident counts per local month, category, source and local hour of the week (migrations/0004, kept by triggers). */
export interface IncidentHowRollupTable {
  municipality_code: string; month: number; category_code: string; source: string; how: number; n: number;
}
export interface IncidentRevisionTable {
  municipality_code: string; id: Generated<number>; incident_id: number; batch_id: number; previous: Json<Record<string, unknown>>; created_at: Generated<Date>;
}
export interface SurveyTable {
  municipality_code: string; id: Generated<number>; name: string; kind: Generated<string>; conducted_from: DateString | null;
  conducted_to: DateString | null; batch_id: number | null; created_at: Generated<Date>;
}
export interface SurveyResponseTable {
  municipality_code: string; id: Generated<number>; survey_id: number; response_ref: string; district_id: number | null; geom: Geometry | null;
  gender: string | null; age_group: string | null; weight: Generated<number>; otrygg_kvall: number | null; avstar_aktivitet: boolean | null;
  oro_brott: number | null; problems: Json<Record<string, number | null>>; extra_answers: Json<Record<string, unknown>>; batch_id: number | null;
}
export interface SurveyMarkTable {
  municipality_code: string; id: Generated<number>; survey_id: number; mark_ref: string; response_ref: string | null; geom: Geometry;
  district_id: number | null; reasons: ColumnType<string[], string[] | undefined, string[]>; time_of_day: string | null; comment: string | null;
  comment_status: Generated<'none' | 'pending' | 'approved' | 'rejected'>; batch_id: number | null;
}
export interface MeetingTable {
  municipality_code: string; id: Generated<number>; council: string; date: DateString; district_ids: ColumnType<number[], number[] | undefined, number[]>;
  filters: Json<Record<string, unknown>>; status: Generated<'open' | 'closed'>; closed_at: Timestamp | null; created_by: number | null; created_at: Generated<Date>;
}
export interface MeetingSnapshotTable {
  municipality_code: string; id: Generated<number>; meeting_id: number; taken_at: Generated<Date>; data_cutoff_at: Timestamp;
  filters: Json<Record<string, unknown>>; data: Json<unknown>;
}
export interface PriorityTable {
  municipality_code: string; id: Generated<number>; meeting_id: number | null; title: string; rationale: string | null; owner: string | null;
  due_date: DateString | null; district_ids: ColumnType<number[], number[] | undefined, number[]>; geom: Geometry | null; focus_area_id: number | null;
  category_codes: ColumnType<string[], string[] | undefined, string[]>; status: Generated<string>; published: Generated<boolean>;
  created_by: number | null; created_at: Generated<Date>; updated_at: Generated<Date>;
}
export interface CitizenPromiseTable {
  municipality_code: string; id: Generated<number>; title: string; district_ids: ColumnType<number[], number[] | undefined, number[]>;
  geom: Geometry | null; period_start: DateString; period_end: DateString; problems: Json<string[]>; evidence: Json<Record<string, unknown>>;
  status: Generated<'draft' | 'agreed' | 'published' | 'followed_up'>; internal_notes: string | null; agreed_at: Timestamp | null;
  published_at: Timestamp | null; followed_up_at: Timestamp | null; created_by: number | null; created_at: Generated<Date>; updated_at: Generated<Date>;
}
export interface CitizenPromiseCommitmentTable {
  municipality_code: string; id: Generated<number>; promise_id: number; actor: 'police' | 'municipality'; text: string; responsible: string | null; sort_order: Generated<number>;
}
export interface CitizenPromiseIndicatorTable {
  municipality_code: string; id: Generated<number>; promise_id: number; key: string; baseline: number | null; target: number | null;
  followup: number | null; sort_order: Generated<number>;
}
export interface ActionTable {
  municipality_code: string; id: Generated<number>; title: string; description: string | null; district_id: number | null; geom: Geometry | null;
  responsible: string | null; start_date: DateString | null; end_date: DateString | null; priority_id: number | null; promise_id: number | null;
  indicators: Json<unknown[]>; created_by: number | null; created_at: Generated<Date>; updated_at: Generated<Date>;
}
export interface SiteCheckTable {
  municipality_code: string; id: Generated<number>; name: string | null; geom: Geometry; buffer_m: Generated<number>; period_from: DateString;
  period_to: DateString; report: Json<unknown>; created_by: number | null; created_at: Generated<Date>;
}
export interface SituationReportTable {
  municipality_code: string; id: Generated<number>; year: number; version: Generated<number>; data_cutoff_at: Timestamp;
  filters: Json<Record<string, unknown>>; content: Json<unknown>; created_by: number | null; created_at: Generated<Date>;
}
export interface BasemapFeatureTable { id: Generated<number>; municipality_code: string; kind: string; name: string | null; geom: string }
export interface SchemaMigrationTable { name: string; applied_at: Generated<Date> }

/** Every table, by name. */
export interface DB {
  basemap_feature: BasemapFeatureTable;
  municipality: MunicipalityTable;
  category: CategoryTable;
  app_user: AppUserTable;
  user_session: UserSessionTable;
  api_token: ApiTokenTable;
  audit_log: AuditLogTable;
  focus_area: FocusAreaTable;
  focus_area_category: FocusAreaCategoryTable;
  category_mapping: CategoryMappingTable;
  import_batch: ImportBatchTable;
  district: DistrictTable;
  incident: IncidentTable;
  incident_revision: IncidentRevisionTable;
  incident_month_rollup: IncidentMonthRollupTable;
  incident_how_rollup: IncidentHowRollupTable;
  survey: SurveyTable;
  survey_response: SurveyResponseTable;
  survey_mark: SurveyMarkTable;
  meeting: MeetingTable;
  meeting_snapshot: MeetingSnapshotTable;
  priority: PriorityTable;
  citizen_promise: CitizenPromiseTable;
  citizen_promise_commitment: CitizenPromiseCommitmentTable;
  citizen_promise_indicator: CitizenPromiseIndicatorTable;
  action: ActionTable;
  site_check: SiteCheckTable;
  situation_report: SituationReportTable;
  schema_migration: SchemaMigrationTable;
}
