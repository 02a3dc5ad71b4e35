-- Speed regardless of file order, and a data version per municipality (issue 15).
--
-- 1. Daily rollups. The monthly rollups of 0004 answer whole local months; the days before and after
--    them (a period from the 17th, or compare=year shifted by 365 days) were read from the raw rows,
--    and after an import in random time order those days are scattered over the whole heap. The two
--    tables below hold the same counts per Stockholm-local day, so every period is whole months from
--    0004 plus at most two runs of days from here, and no date-range read touches `incident` itself.
--    They are kept exact by the same kind of statement-level triggers as 0004 (inserts, updates
--    including district re-assignment on boundary changes, deletes by rollback); refreshRollups()
--    rebuilds them after TRUNCATE or writes with triggers disabled.
-- 2. data_version: a counter per municipality bumped by every statement that writes incidents,
--    districts, category mappings or survey data, in the writing transaction (so a rollback of the
--    transaction leaves it untouched). The response cache keys on it; the NOTIFY lets the embedded
--    backend keep the versions in memory.

CREATE TABLE incident_day_rollup (
  municipality_code text NOT NULL,
  day               date NOT NULL,
  district_key      bigint NOT NULL,
  category_code     text NOT NULL,
  source            text NOT NULL,
  located           boolean NOT NULL,
  n                 int NOT NULL,
  PRIMARY KEY (municipality_code, day, district_key, category_code, source, located)
);

-- The local hour of the week is a function of the day and the hour, so this is day × hour.
CREATE TABLE incident_day_how_rollup (
  municipality_code text NOT NULL,
  day               date NOT NULL,
  category_code     text NOT NULL,
  source            text NOT NULL,
  how               smallint NOT NULL,
  n                 int NOT NULL,
  PRIMARY KEY (municipality_code, day, category_code, source, how)
);

CREATE FUNCTION incident_day_rollup_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO incident_day_rollup AS r (municipality_code, day, district_key, category_code, source, located, n)
  SELECT municipality_code, (occurred_at AT TIME ZONE 'Europe/Stockholm')::date, coalesce(district_id, 0), category_code, source,
         geom IS NOT NULL, count(*)::int
    FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (municipality_code, day, district_key, category_code, source, located) DO UPDATE SET n = r.n + EXCLUDED.n;
  INSERT INTO incident_day_how_rollup AS r (municipality_code, day, category_code, source, how, n)
  SELECT municipality_code, (occurred_at AT TIME ZONE 'Europe/Stockholm')::date, category_code, source, local_how, count(*)::int
    FROM new_rows GROUP BY 1, 2, 3, 4, 5
  ON CONFLICT (municipality_code, day, category_code, source, how) DO UPDATE SET n = r.n + EXCLUDED.n;
  RETURN NULL;
END $$;

CREATE FUNCTION incident_day_rollup_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE incident_day_rollup r SET n = r.n - o.n
    FROM (SELECT municipality_code, (occurred_at AT TIME ZONE 'Europe/Stockholm')::date AS day, coalesce(district_id, 0) AS district_key,
                 category_code, source, geom IS NOT NULL AS located, count(*)::int AS n
            FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6) o
   WHERE r.municipality_code = o.municipality_code AND r.day = o.day AND r.district_key = o.district_key
     AND r.category_code = o.category_code AND r.source = o.source AND r.located = o.located;
  UPDATE incident_day_how_rollup r SET n = r.n - o.n
    FROM (SELECT municipality_code, (occurred_at AT TIME ZONE 'Europe/Stockholm')::date AS day, category_code, source,
                 local_how AS how, count(*)::int AS n
            FROM old_rows GROUP BY 1, 2, 3, 4, 5) o
   WHERE r.municipality_code = o.municipality_code AND r.day = o.day AND r.category_code = o.category_code
     AND r.source = o.source AND r.how = o.how;
  RETURN NULL;
END $$;

-- An UPDATE removes the old rows' contribution, then adds the new rows'.
CREATE FUNCTION incident_day_rollup_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE incident_day_rollup r SET n = r.n - o.n
    FROM (SELECT municipality_code, (occurred_at AT TIME ZONE 'Europe/Stockholm')::date AS day, coalesce(district_id, 0) AS district_key,
                 category_code, source, geom IS NOT NULL AS located, count(*)::int AS n
            FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6) o
   WHERE r.municipality_code = o.municipality_code AND r.day = o.day AND r.district_key = o.district_key
     AND r.category_code = o.category_code AND r.source = o.source AND r.located = o.located;
  UPDATE incident_day_how_rollup r SET n = r.n - o.n
    FROM (SELECT municipality_code, (occurred_at AT TIME ZONE 'Europe/Stockholm')::date AS day, category_code, source,
                 local_how AS how, count(*)::int AS n
            FROM old_rows GROUP BY 1, 2, 3, 4, 5) o
   WHERE r.municipality_code = o.municipality_code AND r.day = o.day AND r.category_code = o.category_code
     AND r.source = o.source AND r.how = o.how;
  INSERT INTO incident_day_rollup AS r (municipality_code, day, district_key, category_code, source, located, n)
  SELECT municipality_code, (occurred_at AT TIME ZONE 'Europe/Stockholm')::date, coalesce(district_id, 0), category_code, source,
         geom IS NOT NULL, count(*)::int
    FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (municipality_code, day, district_key, category_code, source, located) DO UPDATE SET n = r.n + EXCLUDED.n;
  INSERT INTO incident_day_how_rollup AS r (municipality_code, day, category_code, source, how, n)
  SELECT municipality_code, (occurred_at AT TIME ZONE 'Europe/Stockholm')::date, category_code, source, local_how, count(*)::int
    FROM new_rows GROUP BY 1, 2, 3, 4, 5
  ON CONFLICT (municipality_code, day, category_code, source, how) DO UPDATE SET n = r.n + EXCLUDED.n;
  RETURN NULL;
END $$;

CREATE TRIGGER incident_day_rollup_insert AFTER INSERT ON incident
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_day_rollup_add();
CREATE TRIGGER incident_day_rollup_delete AFTER DELETE ON incident
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_day_rollup_remove();
CREATE TRIGGER incident_day_rollup_update AFTER UPDATE ON incident
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_day_rollup_update();

INSERT INTO incident_day_rollup (municipality_code, day, district_key, category_code, source, located, n)
SELECT municipality_code, (occurred_at AT TIME ZONE 'Europe/Stockholm')::date, coalesce(district_id, 0), category_code, source,
       geom IS NOT NULL, count(*)::int
  FROM incident GROUP BY 1, 2, 3, 4, 5, 6;
INSERT INTO incident_day_how_rollup (municipality_code, day, category_code, source, how, n)
SELECT municipality_code, (occurred_at AT TIME ZONE 'Europe/Stockholm')::date, category_code, source, local_how, count(*)::int
  FROM incident GROUP BY 1, 2, 3, 4, 5;

CREATE TABLE data_version (
  municipality_code text PRIMARY KEY,
  version           bigint NOT NULL,
  changed_at        timestamptz NOT NULL DEFAULT now()
);

-- Bumps the version of every municipality the statement's rows belong to and notifies listeners with
-- "<code>:<version>" (delivered at commit, never for a rolled-back transaction). Attach it to any
-- table with a municipality_code column whose writes change what the analysis routes answer:
--   CREATE TRIGGER <t>_data_version_ins AFTER INSERT ON <t> REFERENCING NEW TABLE AS changed_rows
--     FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump();
-- (and the same for UPDATE with NEW TABLE, and for DELETE with OLD TABLE AS changed_rows).
CREATE FUNCTION data_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bumped record;
BEGIN
  FOR bumped IN
    INSERT INTO data_version AS v (municipality_code, version)
    SELECT DISTINCT municipality_code, 1 FROM changed_rows
    ON CONFLICT (municipality_code) DO UPDATE SET version = v.version + 1, changed_at = now()
    RETURNING v.municipality_code, v.version
  LOOP
    PERFORM pg_notify('lagesbild_data_version', bumped.municipality_code || ':' || bumped.version);
  END LOOP;
  RETURN NULL;
END $$;

-- TRUNCATE has no rows to look at: every municipality moves on.
CREATE FUNCTION data_version_bump_all() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bumped record;
BEGIN
  FOR bumped IN UPDATE data_version SET version = version + 1, changed_at = now() RETURNING municipality_code, version LOOP
    PERFORM pg_notify('lagesbild_data_version', bumped.municipality_code || ':' || bumped.version);
  END LOOP;
  RETURN NULL;
END $$;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['incident', 'district', 'category_mapping', 'survey', 'survey_response', 'survey_mark', 'focus_area', 'focus_area_category'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump()', t || '_data_version_ins', t);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump()', t || '_data_version_upd', t);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump()', t || '_data_version_del', t);
    EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump_all()', t || '_data_version_trunc', t);
  END LOOP;
END $$;

INSERT INTO data_version (municipality_code, version) SELECT code, 1 FROM municipality;
