-- gongkai initial schema (sqlite). Ids are TEXT (uuid v7), instants TIMESTAMP in UTC,
-- JSON as TEXT: one portable schema for SQLite and PostgreSQL.

CREATE TABLE agencies (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    tracking_prefix TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE departments (
    code TEXT PRIMARY KEY NOT NULL,
    agency_code TEXT NOT NULL REFERENCES agencies (code),
    parent_code TEXT REFERENCES departments (code),
    name TEXT NOT NULL,
    -- the department that takes requests in (the agency's OGI office)
    is_intake BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX departments_agency ON departments (agency_code);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    email TEXT,
    role TEXT NOT NULL CHECK (role IN ('applicant', 'clerk', 'supervisor', 'admin')),
    -- argon2id PHC string; NULL until a password is set
    password_hash TEXT,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    last_failed_login_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE user_departments (
    user_id TEXT NOT NULL REFERENCES users (id),
    department_code TEXT NOT NULL REFERENCES departments (code),
    PRIMARY KEY (user_id, department_code)
);

CREATE TABLE applicant_profiles (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT UNIQUE REFERENCES users (id),
    applicant_type TEXT NOT NULL,
    name TEXT NOT NULL,
    id_document_type TEXT,
    id_document_number TEXT,
    credit_code TEXT,
    legal_representative TEXT,
    contact_person TEXT,
    phone TEXT,
    email TEXT,
    postal_address TEXT,
    postal_code TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Gap-free tracking numbers: one counter per agency and year, advanced in the registering
-- transaction.
CREATE TABLE tracking_counters (
    agency_code TEXT NOT NULL REFERENCES agencies (code),
    year INTEGER NOT NULL,
    last_value BIGINT NOT NULL,
    PRIMARY KEY (agency_code, year)
);

-- The projection of each case's events. Queues and reports read it; nothing treats it as the
-- truth (case_events is).
CREATE TABLE cases (
    id TEXT PRIMARY KEY NOT NULL,
    tracking_number TEXT UNIQUE,
    query_code_hash TEXT NOT NULL,
    agency_code TEXT NOT NULL REFERENCES agencies (code),
    department_code TEXT NOT NULL REFERENCES departments (code),
    assignee TEXT,
    account TEXT,
    status TEXT NOT NULL,
    sub_state TEXT,
    applicant_type TEXT,
    applicant_name TEXT NOT NULL,
    channel TEXT NOT NULL,
    receipt_date DATE,
    due_date DATE,
    -- due_date, or 9999-12-31 when none: a non-null key for keyset pagination (NULLs sort
    -- differently on the two backends)
    due_sort DATE NOT NULL,
    provisional BOOLEAN NOT NULL DEFAULT FALSE,
    warning_level TEXT,
    outcome TEXT,
    outcome_ground TEXT,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX cases_queue ON cases (department_code, status, due_sort, id);
CREATE INDEX cases_assignee ON cases (assignee, due_sort, id);
CREATE INDEX cases_warning ON cases (warning_level, department_code);
CREATE INDEX cases_account ON cases (account, created_at);
CREATE INDEX cases_agency_receipt ON cases (agency_code, receipt_date);

-- Append-only history. Each row carries the hash of the previous row of the same case and its
-- own hash over its content: a tamper-evident chain (gongkai audit verify).
CREATE TABLE case_events (
    case_id TEXT NOT NULL REFERENCES cases (id),
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    legal_date DATE,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);

-- Attachment metadata; the bytes live content-addressed (sha256) under the data folder.
CREATE TABLE attachments (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    sha256 TEXT NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL
);
CREATE INDEX attachments_case ON attachments (case_id);

-- Notices to send, written in the transaction of the event that calls for them; kept after
-- sending as the record of what was sent, when, under which Message-ID.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    event_seq BIGINT NOT NULL,
    notice_kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    -- reminders: unique per (case, kind, level)
    dedupe_key TEXT UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    last_error TEXT,
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

-- Scheduled work (reminders, recomputation), claimed by workers.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    unique_key TEXT UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
    run_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX jobs_due ON jobs (status, run_at);
