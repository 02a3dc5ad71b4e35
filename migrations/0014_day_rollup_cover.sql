-- Day rollups readable in any file order (issue 15).
--
-- A period that does not start or end on the first of a month reads its edge days from the daily rollups
-- (migrations/0011). Their rows are created and updated by the import triggers in the order the import files
-- had, so one day's rows lay on thousands of heap pages: a 15-day edge of the weekday × hour rollup read
-- 10,600 rows from 4,300 pages (13–17 ms, twice per request) over 1,000,000 shuffled incidents. These indexes
-- carry every column the reads use, so an edge is an index-only range scan of its days (3–5 ms). Imports and
-- rollbacks end with a VACUUM of these tables too (server/features/incidents/incidents.queries.ts), which keeps
-- their pages all-visible where no autovacuum runs (PGlite).
CREATE INDEX incident_day_rollup_read_idx ON incident_day_rollup (municipality_code, day)
  INCLUDE (district_key, category_code, source, located, n);
CREATE INDEX incident_day_how_rollup_read_idx ON incident_day_how_rollup (municipality_code, day)
  INCLUDE (category_code, source, how, n);
