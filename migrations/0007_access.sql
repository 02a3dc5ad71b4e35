-- Access: an account or token is bound to one municipality, or to every municipality only when an admin
-- said so (`all_municipalities`). Before this, a NULL municipality silently meant "every municipality"
-- and was the default, so a user created without one saw every tenant.
ALTER TABLE app_user ADD COLUMN all_municipalities boolean NOT NULL DEFAULT false;
ALTER TABLE api_token ADD COLUMN all_municipalities boolean NOT NULL DEFAULT false;

-- Existing unbound rows: with exactly one municipality the account can only have meant that one, so it
-- is bound to it (a municipality added later is not opened to it). With none or several, the row keeps
-- the access it had, now marked explicitly; docs/security.md asks the operator to review them.
UPDATE app_user SET municipality_code = (SELECT min(code) FROM municipality)
 WHERE municipality_code IS NULL AND (SELECT count(*) FROM municipality) = 1;
UPDATE api_token SET municipality_code = (SELECT min(code) FROM municipality)
 WHERE municipality_code IS NULL AND (SELECT count(*) FROM municipality) = 1;
UPDATE app_user SET all_municipalities = true WHERE municipality_code IS NULL;
UPDATE api_token SET all_municipalities = true WHERE municipality_code IS NULL;

-- Exactly one of the two: never unbound by omission.
ALTER TABLE app_user ADD CONSTRAINT app_user_scope_check CHECK ((municipality_code IS NOT NULL) <> all_municipalities);
ALTER TABLE api_token ADD CONSTRAINT api_token_scope_check CHECK ((municipality_code IS NOT NULL) <> all_municipalities);

-- Sign-in audit rows are looked up by action (failed sign-ins of an address, refused requests).
CREATE INDEX audit_log_action_at_idx ON audit_log (action, at);
