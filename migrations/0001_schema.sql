-- Lägesbild schema, version 1: the whole product's tables, so later work fills them rather than reshapes them.
-- Geometry is SWEREF 99 TM (EPSG:3006, metres); the API transforms to WGS84 at the edge.
-- Every tenant-scoped table carries municipality_code and has it first in its primary key,
-- so the schema can be distributed with Citus by municipality (docs/scaling.md).

CREATE EXTENSION IF NOT EXISTS postgis;

-- Reference tables (not tenant-scoped; replicated as Citus reference tables).

CREATE TABLE municipality (
  code        text PRIMARY KEY CHECK (code ~ '^[0-9]{4}$'),
  name        text NOT NULL,
  is_demo     boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE category (
  code               text PRIMARY KEY,
  name_sv            text NOT NULL,
  name_en            text NOT NULL,
  sensitivity        text NOT NULL CHECK (sensitivity IN ('open', 'restricted', 'protected')),
  default_focus_area text NOT NULL,
  -- Mostly police-initiated (spaningsbrott): counts measure police activity as much as crime.
  police_initiated   boolean NOT NULL DEFAULT false,
  sort_order         int NOT NULL
);

CREATE TABLE app_user (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email             text NOT NULL,
  display_name      text,
  password_hash     text NOT NULL,
  role              text NOT NULL CHECK (role IN ('council', 'planner', 'analyst', 'police', 'admin')),
  -- NULL = every municipality (regional police, national admin).
  municipality_code text REFERENCES municipality (code),
  is_demo           boolean NOT NULL DEFAULT false,
  failed_attempts   int NOT NULL DEFAULT 0,
  locked_until      timestamptz,
  disabled_at       timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX app_user_email_idx ON app_user (lower(email));

CREATE TABLE user_session (
  -- Only a hash of the session secret is stored, so a leaked table cannot be replayed.
  id_hash     text PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  csrf_token  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);
CREATE INDEX user_session_user_idx ON user_session (user_id);

CREATE TABLE api_token (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name              text NOT NULL,
  token_hash        text NOT NULL UNIQUE,
  role              text NOT NULL CHECK (role IN ('council', 'planner', 'analyst', 'police', 'admin')),
  municipality_code text REFERENCES municipality (code),
  created_by        bigint REFERENCES app_user (id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  last_used_at      timestamptz,
  revoked_at        timestamptz
);

CREATE TABLE audit_log (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at                timestamptz NOT NULL DEFAULT now(),
  user_id           bigint REFERENCES app_user (id),
  token_id          bigint REFERENCES api_token (id),
  role              text NOT NULL,
  action            text NOT NULL,
  route             text NOT NULL,
  municipality_code text,
  filters           jsonb NOT NULL DEFAULT '{}'::jsonb,
  result_count      int,
  ip                text
);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- Tenant-scoped tables.

CREATE TABLE focus_area (
  municipality_code text NOT NULL REFERENCES municipality (code),
  id                bigint GENERATED ALWAYS AS IDENTITY,
  code              text NOT NULL,
  name_sv           text NOT NULL,
  name_en           text NOT NULL,
  goal              text,
  responsible       text,
  indicators        jsonb NOT NULL DEFAULT '[]'::jsonb,
  sort_order        int NOT NULL DEFAULT 0,
  PRIMARY KEY (municipality_code, id),
  UNIQUE (municipality_code, code)
);

-- Which categories a municipality files under which focus area (a category may sit under several).
CREATE TABLE focus_area_category (
  municipality_code text NOT NULL,
  focus_area_id     bigint NOT NULL,
  category_code     text NOT NULL REFERENCES category (code),
  PRIMARY KEY (municipality_code, focus_area_id, category_code),
  FOREIGN KEY (municipality_code, focus_area_id) REFERENCES focus_area (municipality_code, id) ON DELETE CASCADE
);

-- A municipality's mapping from a source's own codes (e.g. police crime codes) to category codes.
CREATE TABLE category_mapping (
  municipality_code text NOT NULL REFERENCES municipality (code),
  source            text NOT NULL,
  source_code       text NOT NULL,
  category_code     text NOT NULL REFERENCES category (code),
  PRIMARY KEY (municipality_code, source, source_code)
);

CREATE TABLE import_batch (
  municipality_code text NOT NULL REFERENCES municipality (code),
  id                bigint GENERATED ALWAYS AS IDENTITY,
  kind              text NOT NULL CHECK (kind IN ('districts', 'incidents', 'survey', 'category_mapping', 'demo')),
  file_name         text,
  checksum          text,
  source            text,
  created_by        text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  status            text NOT NULL DEFAULT 'committed' CHECK (status IN ('committed', 'rolled_back')),
  rolled_back_at    timestamptz,
  accepted          int NOT NULL DEFAULT 0,
  updated           int NOT NULL DEFAULT 0,
  unchanged         int NOT NULL DEFAULT 0,
  unlocated         int NOT NULL DEFAULT 0,
  rejected          int NOT NULL DEFAULT 0,
  summary           jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (municipality_code, id)
);

CREATE TABLE district (
  municipality_code   text NOT NULL REFERENCES municipality (code),
  id                  bigint GENERATED ALWAYS AS IDENTITY,
  external_id         text,
  name                text NOT NULL,
  kind                text NOT NULL CHECK (kind IN ('kommundel', 'stadsdel', 'omrade')),
  parent_id           bigint,
  population          int CHECK (population >= 0),
  -- {"kvinna": n, "man": n}; and {"16-19": n, ...}: the gender and child-rights perspective needs both.
  population_by_gender jsonb,
  population_by_age    jsonb,
  geom                geometry(MultiPolygon, 3006) NOT NULL,
  batch_id            bigint,
  created_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (municipality_code, id),
  UNIQUE (municipality_code, kind, name),
  FOREIGN KEY (municipality_code, parent_id) REFERENCES district (municipality_code, id) ON DELETE SET NULL
);
CREATE INDEX district_geom_idx ON district USING gist (geom);
CREATE INDEX district_id_idx ON district (id);

CREATE TABLE incident (
  municipality_code text NOT NULL REFERENCES municipality (code),
  id                bigint GENERATED ALWAYS AS IDENTITY,
  source            text NOT NULL CHECK (source IN ('police', 'municipality', 'housing', 'security', 'transport', 'public')),
  source_ref        text NOT NULL,
  category_code     text NOT NULL REFERENCES category (code),
  -- The code as the source wrote it, before the municipality's mapping.
  source_category   text,
  occurred_at       timestamptz NOT NULL,
  occurred_until    timestamptz,
  -- NULL = unlocated: counts in municipality totals, never silently dropped.
  geom              geometry(Point, 3006),
  -- The finest district containing geom, assigned at import and on boundary changes.
  district_id       bigint,
  place             text,
  description       text,
  content_hash      text NOT NULL,
  batch_id          bigint,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (municipality_code, id),
  UNIQUE (municipality_code, source, source_ref),
  FOREIGN KEY (municipality_code, district_id) REFERENCES district (municipality_code, id) ON DELETE SET NULL
);
CREATE INDEX incident_geom_idx ON incident USING gist (geom);
CREATE INDEX incident_time_idx ON incident (municipality_code, occurred_at);
CREATE INDEX incident_category_time_idx ON incident (municipality_code, category_code, occurred_at);
CREATE INDEX incident_district_time_idx ON incident (municipality_code, district_id, occurred_at);
CREATE INDEX incident_batch_idx ON incident (municipality_code, batch_id);

-- The state of an incident before a batch updated it, so rolling back that batch restores it.
CREATE TABLE incident_revision (
  municipality_code text NOT NULL,
  id                bigint GENERATED ALWAYS AS IDENTITY,
  incident_id       bigint NOT NULL,
  batch_id          bigint NOT NULL,
  previous          jsonb NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (municipality_code, id)
);
CREATE INDEX incident_revision_batch_idx ON incident_revision (municipality_code, batch_id);

CREATE TABLE survey (
  municipality_code text NOT NULL REFERENCES municipality (code),
  id                bigint GENERATED ALWAYS AS IDENTITY,
  name              text NOT NULL,
  kind              text NOT NULL DEFAULT 'trygghetsmatning'
                    CHECK (kind IN ('trygghetsmatning', 'trygghetsvandring', 'skolenkat', 'ovrigt')),
  conducted_from    date,
  conducted_to      date,
  batch_id          bigint,
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (municipality_code, id),
  UNIQUE (municipality_code, name)
);

CREATE TABLE survey_response (
  municipality_code text NOT NULL,
  id                bigint GENERATED ALWAYS AS IDENTITY,
  survey_id         bigint NOT NULL,
  response_ref      text NOT NULL,
  district_id       bigint,
  geom              geometry(Point, 3006),
  gender            text CHECK (gender IN ('kvinna', 'man', 'annat', 'uppgift_saknas')),
  age_group         text CHECK (age_group ~ '^(16-19|20-34|35-49|50-64|65-79|80\+|barn_[0-9]{1,2}(-[0-9]{1,2})?)$'),
  weight            float8 NOT NULL DEFAULT 1 CHECK (weight > 0),
  otrygg_kvall      smallint CHECK (otrygg_kvall BETWEEN 1 AND 5),
  avstar_aktivitet  boolean,
  oro_brott         smallint CHECK (oro_brott BETWEEN 1 AND 4),
  -- {"nedskrapning": 1..4, ...} for the problem_<code> items.
  problems          jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- Any further answers, kept verbatim.
  extra_answers     jsonb NOT NULL DEFAULT '{}'::jsonb,
  batch_id          bigint,
  PRIMARY KEY (municipality_code, id),
  UNIQUE (municipality_code, survey_id, response_ref),
  FOREIGN KEY (municipality_code, survey_id) REFERENCES survey (municipality_code, id) ON DELETE CASCADE,
  FOREIGN KEY (municipality_code, district_id) REFERENCES district (municipality_code, id) ON DELETE SET NULL
);
CREATE INDEX survey_response_survey_idx ON survey_response (municipality_code, survey_id);

CREATE TABLE survey_mark (
  municipality_code text NOT NULL,
  id                bigint GENERATED ALWAYS AS IDENTITY,
  survey_id         bigint NOT NULL,
  mark_ref          text NOT NULL,
  response_ref      text,
  geom              geometry(Point, 3006) NOT NULL,
  district_id       bigint,
  reasons           text[] NOT NULL DEFAULT '{}',
  time_of_day       text CHECK (time_of_day IN ('dag', 'kvall', 'natt')),
  comment           text,
  -- Comments are held until moderated: only analysts see them before that.
  comment_status    text NOT NULL DEFAULT 'none' CHECK (comment_status IN ('none', 'pending', 'approved', 'rejected')),
  batch_id          bigint,
  PRIMARY KEY (municipality_code, id),
  UNIQUE (municipality_code, survey_id, mark_ref),
  FOREIGN KEY (municipality_code, survey_id) REFERENCES survey (municipality_code, id) ON DELETE CASCADE,
  FOREIGN KEY (municipality_code, district_id) REFERENCES district (municipality_code, id) ON DELETE SET NULL
);
CREATE INDEX survey_mark_geom_idx ON survey_mark USING gist (geom);
CREATE INDEX survey_mark_survey_idx ON survey_mark (municipality_code, survey_id);

CREATE TABLE meeting (
  municipality_code text NOT NULL REFERENCES municipality (code),
  id                bigint GENERATED ALWAYS AS IDENTITY,
  council           text NOT NULL,
  date              date NOT NULL,
  district_ids      bigint[] NOT NULL DEFAULT '{}',
  filters           jsonb NOT NULL DEFAULT '{}'::jsonb,
  status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  closed_at         timestamptz,
  created_by        bigint REFERENCES app_user (id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (municipality_code, id)
);
CREATE INDEX meeting_id_idx ON meeting (id);

-- What a closed meeting showed, frozen so its minutes can be reproduced later.
CREATE TABLE meeting_snapshot (
  municipality_code text NOT NULL,
  id                bigint GENERATED ALWAYS AS IDENTITY,
  meeting_id        bigint NOT NULL,
  taken_at          timestamptz NOT NULL DEFAULT now(),
  data_cutoff_at    timestamptz NOT NULL,
  filters           jsonb NOT NULL,
  data              jsonb NOT NULL,
  PRIMARY KEY (municipality_code, id),
  FOREIGN KEY (municipality_code, meeting_id) REFERENCES meeting (municipality_code, id) ON DELETE CASCADE
);

CREATE TABLE priority (
  municipality_code text NOT NULL REFERENCES municipality (code),
  id                bigint GENERATED ALWAYS AS IDENTITY,
  meeting_id        bigint,
  title             text NOT NULL,
  rationale         text,
  owner             text,
  due_date          date,
  district_ids      bigint[] NOT NULL DEFAULT '{}',
  geom              geometry(MultiPolygon, 3006),
  focus_area_id     bigint,
  category_codes    text[] NOT NULL DEFAULT '{}',
  status            text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'decided', 'done', 'dropped')),
  published         boolean NOT NULL DEFAULT false,
  created_by        bigint REFERENCES app_user (id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (municipality_code, id),
  FOREIGN KEY (municipality_code, meeting_id) REFERENCES meeting (municipality_code, id) ON DELETE SET NULL
);
CREATE INDEX priority_id_idx ON priority (id);

CREATE TABLE citizen_promise (
  municipality_code text NOT NULL REFERENCES municipality (code),
  id                bigint GENERATED ALWAYS AS IDENTITY,
  title             text NOT NULL,
  district_ids      bigint[] NOT NULL DEFAULT '{}',
  geom              geometry(MultiPolygon, 3006),
  period_start      date NOT NULL,
  period_end        date NOT NULL,
  problems          jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- What the promise was drafted from: hotspot cells, survey results, districts.
  evidence          jsonb NOT NULL DEFAULT '{}'::jsonb,
  status            text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'agreed', 'published', 'followed_up')),
  internal_notes    text,
  agreed_at         timestamptz,
  published_at      timestamptz,
  followed_up_at    timestamptz,
  created_by        bigint REFERENCES app_user (id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (municipality_code, id),
  CHECK (period_end > period_start)
);
CREATE INDEX citizen_promise_id_idx ON citizen_promise (id);

CREATE TABLE citizen_promise_commitment (
  municipality_code text NOT NULL,
  id                bigint GENERATED ALWAYS AS IDENTITY,
  promise_id        bigint NOT NULL,
  actor             text NOT NULL CHECK (actor IN ('police', 'municipality')),
  text              text NOT NULL,
  responsible       text,
  sort_order        int NOT NULL DEFAULT 0,
  PRIMARY KEY (municipality_code, id),
  FOREIGN KEY (municipality_code, promise_id) REFERENCES citizen_promise (municipality_code, id) ON DELETE CASCADE
);

CREATE TABLE citizen_promise_indicator (
  municipality_code text NOT NULL,
  id                bigint GENERATED ALWAYS AS IDENTITY,
  promise_id        bigint NOT NULL,
  key               text NOT NULL,
  baseline          float8,
  target            float8,
  followup          float8,
  sort_order        int NOT NULL DEFAULT 0,
  PRIMARY KEY (municipality_code, id),
  FOREIGN KEY (municipality_code, promise_id) REFERENCES citizen_promise (municipality_code, id) ON DELETE CASCADE
);

CREATE TABLE action (
  municipality_code text NOT NULL REFERENCES municipality (code),
  id                bigint GENERATED ALWAYS AS IDENTITY,
  title             text NOT NULL,
  description       text,
  district_id       bigint,
  geom              geometry(Geometry, 3006),
  responsible       text,
  start_date        date,
  end_date          date,
  priority_id       bigint,
  promise_id        bigint,
  indicators        jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_by        bigint REFERENCES app_user (id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (municipality_code, id),
  FOREIGN KEY (municipality_code, district_id) REFERENCES district (municipality_code, id) ON DELETE SET NULL,
  FOREIGN KEY (municipality_code, priority_id) REFERENCES priority (municipality_code, id) ON DELETE SET NULL,
  FOREIGN KEY (municipality_code, promise_id) REFERENCES citizen_promise (municipality_code, id) ON DELETE SET NULL
);
CREATE INDEX action_id_idx ON action (id);

CREATE TABLE site_check (
  municipality_code text NOT NULL REFERENCES municipality (code),
  id                bigint GENERATED ALWAYS AS IDENTITY,
  name              text,
  geom              geometry(Geometry, 3006) NOT NULL,
  buffer_m          float8 NOT NULL DEFAULT 0 CHECK (buffer_m >= 0),
  period_from       date NOT NULL,
  period_to         date NOT NULL,
  report            jsonb NOT NULL,
  created_by        bigint REFERENCES app_user (id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (municipality_code, id)
);
CREATE INDEX site_check_id_idx ON site_check (id);

-- The annual lägesbild (Lag 2023:196): dated, versioned, reproducible.
CREATE TABLE situation_report (
  municipality_code text NOT NULL REFERENCES municipality (code),
  id                bigint GENERATED ALWAYS AS IDENTITY,
  year              int NOT NULL,
  version           int NOT NULL DEFAULT 1,
  data_cutoff_at    timestamptz NOT NULL,
  filters           jsonb NOT NULL DEFAULT '{}'::jsonb,
  content           jsonb NOT NULL,
  created_by        bigint REFERENCES app_user (id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (municipality_code, id),
  UNIQUE (municipality_code, year, version)
);
