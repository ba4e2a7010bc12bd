ALTER TABLE users DROP COLUMN password_expires_at;
ALTER TABLE users DROP COLUMN must_change_password;
CREATE TABLE login_failures (
    address TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failed_at TIMESTAMP NOT NULL
);
DROP TABLE login_throttle;
