-- Councils (lokala brottsförebyggande råd) own meetings; priorities are recorded in a meeting;
-- actions carry a status and may cover several districts. Meeting snapshots hold one frozen copy of
-- every number per disclosure tier, so a reader never sees in a snapshot what they could not see live.

CREATE TABLE council (
  municipality_code text NOT NULL REFERENCES municipality (code),
  id                bigint GENERATED ALWAYS AS IDENTITY,
  name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  level             text NOT NULL CHECK (level IN ('local', 'coordinating')),
  district_ids      bigint[] NOT NULL DEFAULT '{}',
  created_by        bigint REFERENCES app_user (id) ON DELETE SET NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_by        bigint REFERENCES app_user (id) ON DELETE SET NULL,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (municipality_code, id),
  UNIQUE (municipality_code, name)
);
CREATE INDEX council_id_idx ON council (id);

CREATE TABLE council_member (
  municipality_code text NOT NULL,
  council_id        bigint NOT NULL,
  user_id           bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  PRIMARY KEY (municipality_code, council_id, user_id),
  FOREIGN KEY (municipality_code, council_id) REFERENCES council (municipality_code, id) ON DELETE CASCADE
);
CREATE INDEX council_member_user_idx ON council_member (user_id);

-- meeting.council (free text) stays as the council's name at the time; council_id is the link.
ALTER TABLE meeting ADD COLUMN council_id bigint;
ALTER TABLE meeting ADD CONSTRAINT meeting_council_fkey FOREIGN KEY (municipality_code, council_id) REFERENCES council (municipality_code, id);
ALTER TABLE meeting ADD COLUMN title text;
ALTER TABLE meeting ADD COLUMN notes text;
ALTER TABLE meeting ADD COLUMN updated_by bigint REFERENCES app_user (id) ON DELETE SET NULL;
ALTER TABLE meeting ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE meeting ADD COLUMN closed_by bigint REFERENCES app_user (id) ON DELETE SET NULL;
CREATE INDEX meeting_council_idx ON meeting (municipality_code, council_id, date);
CREATE UNIQUE INDEX meeting_snapshot_meeting_idx ON meeting_snapshot (municipality_code, meeting_id);

ALTER TABLE priority ADD COLUMN place text;
ALTER TABLE priority ADD COLUMN updated_by bigint REFERENCES app_user (id) ON DELETE SET NULL;
CREATE INDEX priority_meeting_idx ON priority (municipality_code, meeting_id);

ALTER TABLE action ADD COLUMN status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'ongoing', 'done', 'cancelled'));
ALTER TABLE action ADD COLUMN district_ids bigint[] NOT NULL DEFAULT '{}';
ALTER TABLE action ADD COLUMN updated_by bigint REFERENCES app_user (id) ON DELETE SET NULL;
