-- Citizen promises and site checks (issue 13).

-- Every status change of a promise, with who and when: the promise's own *_at columns say when it
-- last reached a status, this says who moved it there (and the audit log says the same).
CREATE TABLE citizen_promise_transition (
  municipality_code text NOT NULL,
  id                bigint GENERATED ALWAYS AS IDENTITY,
  promise_id        bigint NOT NULL,
  from_status       text NOT NULL,
  to_status         text NOT NULL CHECK (to_status IN ('draft', 'agreed', 'published', 'followed_up')),
  user_id           bigint REFERENCES app_user (id) ON DELETE SET NULL,
  actor             text,
  role              text NOT NULL,
  at                timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (municipality_code, id),
  FOREIGN KEY (municipality_code, promise_id) REFERENCES citizen_promise (municipality_code, id) ON DELETE CASCADE
);
CREATE INDEX citizen_promise_transition_promise_idx ON citizen_promise_transition (municipality_code, promise_id);

-- The period a baseline was computed over, so the follow-up compares an equally long period after.
ALTER TABLE citizen_promise_indicator
  ADD COLUMN baseline_from date,
  ADD COLUMN baseline_to date,
  ADD COLUMN label text;

ALTER TABLE citizen_promise ADD COLUMN created_by_role text;

-- A saved report holds what its author's role may see; another role reopening it gets it recomputed.
ALTER TABLE site_check
  ADD COLUMN created_by_role text,
  ADD COLUMN geometry_input jsonb;
CREATE INDEX site_check_list_idx ON site_check (municipality_code, created_at DESC);
