-- Sign-in throttling (issue 15): one row per key ("address:IP", "account:NAME",
-- "pair:NAME|IP", "register:IP"). An attempt is counted in one statement before its password
-- is checked; instants are Unix milliseconds so that both backends compute delays alike.
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    attempts INTEGER NOT NULL,
    last_at BIGINT NOT NULL,
    blocked_until BIGINT NOT NULL
);
DROP TABLE login_failures;

-- Passwords issued by someone else (the first admin's, admin-made or reset, the CLI's) must
-- be changed at the first sign-in, and expire unused.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN password_expires_at TIMESTAMP;
