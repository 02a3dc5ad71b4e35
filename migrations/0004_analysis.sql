-- Analysis speed-ups (issue 4): derived columns on incident and monthly rollups kept by triggers.
--
-- FOR WHOEVER WRITES INCIDENTS (imports, demo, CLI): nothing to call. The rollups below are kept
-- exactly consistent with `incident` by statement-level AFTER INSERT / UPDATE / DELETE triggers
-- in the writing transaction itself, so every import, update and rollback (and a ROLLBACK of the
-- transaction) moves them in step. Only TRUNCATE incident, or writes with triggers disabled
-- (session_replication_role = replica), bypass them: call
--   refreshRollups(db, municipalityCode)   (server/features/incidents/incident-rollups.ts)
-- afterwards, which rebuilds a municipality's rollups from the raw incidents.
--
-- Derived columns are GENERATED from occurred_at and geom, so they cannot disagree with them:
--   local_how   hour of the week in Europe/Stockholm local time, 0 = Monday 00:00–00:59 … 167;
--   local_month year × 12 + month − 1 of the Europe/Stockholm local date (2025-01 = 24300);
--   hex200_i/j  the ST_HexagonGrid(200, …) cell of geom (edge 200 m, EPSG:3006), by arithmetic:
--               centre of (i, j) at x = 300·i, y = √3·200·j (+ √3·100 when i is odd); a point
--               belongs to the nearer of the two candidate column centres.

ALTER TABLE incident
  ADD COLUMN local_how smallint GENERATED ALWAYS AS (
    ((extract(isodow FROM occurred_at AT TIME ZONE 'Europe/Stockholm') - 1) * 24
      + extract(hour FROM occurred_at AT TIME ZONE 'Europe/Stockholm'))::smallint) STORED,
  ADD COLUMN local_month int GENERATED ALWAYS AS (
    (extract(year FROM occurred_at AT TIME ZONE 'Europe/Stockholm') * 12
      + extract(month FROM occurred_at AT TIME ZONE 'Europe/Stockholm') - 1)::int) STORED,
  ADD COLUMN hex200_i int GENERATED ALWAYS AS (
    CASE WHEN
      (ST_X(geom) - 300 * floor(ST_X(geom) / 300)) ^ 2
        + (ST_Y(geom) - 346.41016151377545 * round((ST_Y(geom) - ((floor(ST_X(geom) / 300)::int % 2 + 2) % 2) * 173.20508075688772) / 346.41016151377545)
           - ((floor(ST_X(geom) / 300)::int % 2 + 2) % 2) * 173.20508075688772) ^ 2
      <= (ST_X(geom) - 300 * (floor(ST_X(geom) / 300) + 1)) ^ 2
        + (ST_Y(geom) - 346.41016151377545 * round((ST_Y(geom) - (((floor(ST_X(geom) / 300)::int + 1) % 2 + 2) % 2) * 173.20508075688772) / 346.41016151377545)
           - (((floor(ST_X(geom) / 300)::int + 1) % 2 + 2) % 2) * 173.20508075688772) ^ 2
    THEN floor(ST_X(geom) / 300)::int ELSE floor(ST_X(geom) / 300)::int + 1 END) STORED,
  ADD COLUMN hex200_j int GENERATED ALWAYS AS (
    CASE WHEN
      (ST_X(geom) - 300 * floor(ST_X(geom) / 300)) ^ 2
        + (ST_Y(geom) - 346.41016151377545 * round((ST_Y(geom) - ((floor(ST_X(geom) / 300)::int % 2 + 2) % 2) * 173.20508075688772) / 346.41016151377545)
           - ((floor(ST_X(geom) / 300)::int % 2 + 2) % 2) * 173.20508075688772) ^ 2
      <= (ST_X(geom) - 300 * (floor(ST_X(geom) / 300) + 1)) ^ 2
        + (ST_Y(geom) - 346.41016151377545 * round((ST_Y(geom) - (((floor(ST_X(geom) / 300)::int + 1) % 2 + 2) % 2) * 173.20508075688772) / 346.41016151377545)
           - (((floor(ST_X(geom) / 300)::int + 1) % 2 + 2) % 2) * 173.20508075688772) ^ 2
    THEN round((ST_Y(geom) - ((floor(ST_X(geom) / 300)::int % 2 + 2) % 2) * 173.20508075688772) / 346.41016151377545)::int
    ELSE round((ST_Y(geom) - (((floor(ST_X(geom) / 300)::int + 1) % 2 + 2) % 2) * 173.20508075688772) / 346.41016151377545)::int END) STORED;

-- Incident counts per municipality, local month, finest district (0 = none), category, source and
-- whether located: district statistics and monthly series read whole months from here.
CREATE TABLE incident_month_rollup (
  municipality_code text NOT NULL,
  month             int NOT NULL,
  district_key      bigint NOT NULL,
  category_code     text NOT NULL,
  source            text NOT NULL,
  located           boolean NOT NULL,
  n                 int NOT NULL,
  PRIMARY KEY (municipality_code, month, district_key, category_code, source, located)
);

-- Incident counts per municipality, local month, category, source and local hour of the week:
-- the municipality-wide weekday × hour matrix reads whole months from here.
CREATE TABLE incident_how_rollup (
  municipality_code text NOT NULL,
  month             int NOT NULL,
  category_code     text NOT NULL,
  source            text NOT NULL,
  how               smallint NOT NULL,
  n                 int NOT NULL,
  PRIMARY KEY (municipality_code, month, category_code, source, how)
);

CREATE FUNCTION incident_rollup_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO incident_month_rollup AS r (municipality_code, month, district_key, category_code, source, located, n)
  SELECT municipality_code, local_month, coalesce(district_id, 0), category_code, source, geom IS NOT NULL, count(*)::int
    FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (municipality_code, month, district_key, category_code, source, located) DO UPDATE SET n = r.n + EXCLUDED.n;
  INSERT INTO incident_how_rollup AS r (municipality_code, month, category_code, source, how, n)
  SELECT municipality_code, local_month, category_code, source, local_how, count(*)::int
    FROM new_rows GROUP BY 1, 2, 3, 4, 5
  ON CONFLICT (municipality_code, month, category_code, source, how) DO UPDATE SET n = r.n + EXCLUDED.n;
  RETURN NULL;
END $$;

CREATE FUNCTION incident_rollup_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE incident_month_rollup r SET n = r.n - o.n
    FROM (SELECT municipality_code, local_month AS month, coalesce(district_id, 0) AS district_key, category_code, source,
                 geom IS NOT NULL AS located, count(*)::int AS n
            FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6) o
   WHERE r.municipality_code = o.municipality_code AND r.month = o.month AND r.district_key = o.district_key
     AND r.category_code = o.category_code AND r.source = o.source AND r.located = o.located;
  UPDATE incident_how_rollup r SET n = r.n - o.n
    FROM (SELECT municipality_code, local_month AS month, category_code, source, local_how AS how, count(*)::int AS n
            FROM old_rows GROUP BY 1, 2, 3, 4, 5) o
   WHERE r.municipality_code = o.municipality_code AND r.month = o.month AND r.category_code = o.category_code
     AND r.source = o.source AND r.how = o.how;
  RETURN NULL;
END $$;

-- An UPDATE removes the old rows' contribution, then adds the new rows'.
CREATE FUNCTION incident_rollup_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE incident_month_rollup r SET n = r.n - o.n
    FROM (SELECT municipality_code, local_month AS month, coalesce(district_id, 0) AS district_key, category_code, source,
                 geom IS NOT NULL AS located, count(*)::int AS n
            FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6) o
   WHERE r.municipality_code = o.municipality_code AND r.month = o.month AND r.district_key = o.district_key
     AND r.category_code = o.category_code AND r.source = o.source AND r.located = o.located;
  UPDATE incident_how_rollup r SET n = r.n - o.n
    FROM (SELECT municipality_code, local_month AS month, category_code, source, local_how AS how, count(*)::int AS n
            FROM old_rows GROUP BY 1, 2, 3, 4, 5) o
   WHERE r.municipality_code = o.municipality_code AND r.month = o.month AND r.category_code = o.category_code
     AND r.source = o.source AND r.how = o.how;
  INSERT INTO incident_month_rollup AS r (municipality_code, month, district_key, category_code, source, located, n)
  SELECT municipality_code, local_month, coalesce(district_id, 0), category_code, source, geom IS NOT NULL, count(*)::int
    FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (municipality_code, month, district_key, category_code, source, located) DO UPDATE SET n = r.n + EXCLUDED.n;
  INSERT INTO incident_how_rollup AS r (municipality_code, month, category_code, source, how, n)
  SELECT municipality_code, local_month, category_code, source, local_how, count(*)::int
    FROM new_rows GROUP BY 1, 2, 3, 4, 5
  ON CONFLICT (municipality_code, month, category_code, source, how) DO UPDATE SET n = r.n + EXCLUDED.n;
  RETURN NULL;
END $$;

CREATE TRIGGER incident_rollup_insert AFTER INSERT ON incident
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_rollup_add();
CREATE TRIGGER incident_rollup_delete AFTER DELETE ON incident
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_rollup_remove();
CREATE TRIGGER incident_rollup_update AFTER UPDATE ON incident
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_rollup_update();

-- Incidents already stored before this migration.
INSERT INTO incident_month_rollup (municipality_code, month, district_key, category_code, source, located, n)
SELECT municipality_code, local_month, coalesce(district_id, 0), category_code, source, geom IS NOT NULL, count(*)::int
  FROM incident GROUP BY 1, 2, 3, 4, 5, 6;
INSERT INTO incident_how_rollup (municipality_code, month, category_code, source, how, n)
SELECT municipality_code, local_month, category_code, source, local_how, count(*)::int
  FROM incident GROUP BY 1, 2, 3, 4, 5;
