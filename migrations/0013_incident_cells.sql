-- Incidents by place, readable in any file order (issues 14 and 15).
--
-- Vector tiles, drawn areas and sites read the incidents of a small area and a period. Through the GiST
-- index on geom each of them is a heap row, and rows sit on disk in the order the import files had:
-- after shuffled imports a zoom-14 tile of the town centre touched 18,600 of the 21,000 heap blocks of a
-- million incidents. This index keys every located incident by its 500 m cell of SWEREF 99 TM (the fixed
-- grid drawn areas are counted on, server/features/disclosure) and time, and carries every column those
-- reads use, so they are index-only scans over the cells they need, whatever the order rows arrived in.
-- The key expression is written out (not a function) so that it does not depend on search_path, and the
-- queries use the identical text from server/features/incidents/incident-cells.ts.
CREATE INDEX incident_cell_idx ON incident (
  municipality_code,
  ((floor(ST_X(geom) / 500))::bigint * 1048576 + (floor(ST_Y(geom) / 500))::bigint),
  occurred_at
) INCLUDE (category_code, source, district_id, local_how, local_month, id, geom)
  WHERE geom IS NOT NULL;
