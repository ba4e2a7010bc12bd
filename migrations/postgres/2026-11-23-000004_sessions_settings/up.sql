-- Sessions of logged-in users: the token is given to the client once and stored hashed
-- (sha256); cookie sessions carry a CSRF token that every write must echo.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed logins per client address (per account they are counted on users).
CREATE TABLE login_failures (
    address TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failed_at TIMESTAMP NOT NULL
);

-- Texts and settings that admins edit at run time (the application guide), as JSON.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Calendar years uploaded by admins; they replace the built-in year of the same number.
CREATE TABLE calendar_years (
    year INTEGER PRIMARY KEY,
    toml TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL
);
