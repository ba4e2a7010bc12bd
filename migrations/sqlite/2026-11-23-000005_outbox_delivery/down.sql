CREATE TABLE outbox_copy AS SELECT * FROM outbox;
DROP TABLE outbox;
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    event_seq BIGINT NOT NULL,
    notice_kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    dedupe_key TEXT UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    last_error TEXT,
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO outbox (id, case_id, event_seq, notice_kind, recipient, message_id, dedupe_key,
    status, attempts, next_attempt_at, lease_until, last_error, sent_at, created_at)
SELECT id, case_id, event_seq, notice_kind, recipient, message_id, dedupe_key,
    CASE WHEN status = 'unaddressed' THEN 'failed' ELSE status END, attempts, next_attempt_at,
    lease_until, last_error, sent_at, created_at
FROM outbox_copy;
DROP TABLE outbox_copy;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
