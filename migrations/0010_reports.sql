-- The annual situation picture (SPEC §7) is built for one role: its content obeys that role's
-- disclosure rules, so it is only shown again to viewers of the same role.
ALTER TABLE situation_report ADD COLUMN viewer_role text;
ALTER TABLE situation_report ADD COLUMN created_by_name text;
