-- Auth: removing a user (e.g. the demo accounts on `lagesbild demo --reset`) must not be blocked by the
-- audit log or the tokens it created; the audit row keeps role, action and filters, and the actor's
-- email or token name is copied into `actor` when written so the row still says who it was.
ALTER TABLE audit_log ADD COLUMN actor text;
ALTER TABLE audit_log DROP CONSTRAINT audit_log_user_id_fkey;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_user_id_fkey FOREIGN KEY (user_id) REFERENCES app_user (id) ON DELETE SET NULL;
ALTER TABLE audit_log DROP CONSTRAINT audit_log_token_id_fkey;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_token_id_fkey FOREIGN KEY (token_id) REFERENCES api_token (id) ON DELETE SET NULL;
ALTER TABLE api_token DROP CONSTRAINT api_token_created_by_fkey;
ALTER TABLE api_token ADD CONSTRAINT api_token_created_by_fkey FOREIGN KEY (created_by) REFERENCES app_user (id) ON DELETE SET NULL;
CREATE INDEX audit_log_user_idx ON audit_log (user_id);
