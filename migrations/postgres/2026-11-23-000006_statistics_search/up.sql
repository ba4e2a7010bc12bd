-- Statistics, search and frequent-request detection (issue 7); see the SQLite twin.
ALTER TABLE cases ADD COLUMN replied_on DATE;
ALTER TABLE cases ADD COLUMN reply_due_on DATE;
ALTER TABLE cases ADD COLUMN reply_days INTEGER;
ALTER TABLE cases ADD COLUMN concluded_on DATE;
ALTER TABLE cases ADD COLUMN applicant_key TEXT;
CREATE INDEX cases_agency_concluded ON cases (agency_code, concluded_on);
CREATE INDEX cases_agency_created ON cases (agency_code, created_at);
CREATE INDEX cases_applicant_key ON cases (applicant_key, created_at);

-- pg_trgm ships with PostgreSQL (contrib); creating it needs a role allowed to (a superuser,
-- or the database owner on PostgreSQL 13+, where pg_trgm is a trusted extension). It lives in
-- the schema public, whatever schema gongkai's tables are in, and is named with it.
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;

CREATE TABLE case_texts (
    id BIGSERIAL PRIMARY KEY,
    case_id TEXT NOT NULL UNIQUE REFERENCES cases (id),
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    reply TEXT NOT NULL
);
-- One trigram index over the three fields; queries repeat the expression verbatim.
CREATE INDEX case_texts_trgm ON case_texts
    USING gin ((name || ' ' || description || ' ' || reply) public.gin_trgm_ops);

CREATE TABLE frequent_marks (
    id TEXT PRIMARY KEY NOT NULL,
    agency_code TEXT NOT NULL REFERENCES agencies (code),
    period_from DATE NOT NULL,
    period_to DATE NOT NULL,
    representative TEXT NOT NULL,
    case_ids TEXT NOT NULL,
    note TEXT NOT NULL,
    marked_by TEXT NOT NULL REFERENCES users (id),
    marked_at TIMESTAMP NOT NULL
);
CREATE INDEX frequent_marks_agency ON frequent_marks (agency_code, marked_at);
