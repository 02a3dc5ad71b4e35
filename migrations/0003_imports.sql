-- Imports: what a batch changed in districts and surveys, so rolling the batch back restores it
-- (incidents have incident_revision in 0001). `previous` is the row as it was, geometry as hex EWKB.
CREATE TABLE import_revision (
  municipality_code text NOT NULL,
  id                bigint GENERATED ALWAYS AS IDENTITY,
  batch_id          bigint NOT NULL,
  table_name        text NOT NULL CHECK (table_name IN ('district', 'survey_response', 'survey_mark')),
  row_id            bigint NOT NULL,
  previous          jsonb NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (municipality_code, id)
);
CREATE INDEX import_revision_batch_idx ON import_revision (municipality_code, batch_id);

-- Rolling back a batch looks up the revisions of the incidents it touched.
CREATE INDEX incident_revision_incident_idx ON incident_revision (municipality_code, incident_id);

-- Rolling back a district or survey batch finds the rows it created.
CREATE INDEX district_batch_idx ON district (municipality_code, batch_id);
CREATE INDEX survey_response_batch_idx ON survey_response (municipality_code, batch_id);
CREATE INDEX survey_mark_batch_idx ON survey_mark (municipality_code, batch_id);
