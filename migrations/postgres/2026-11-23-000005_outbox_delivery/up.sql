-- The mailer: the outbox keeps, for every notice, what was sent (subject, body, the addresses)
-- and one more state, 'unaddressed': nobody to email (an applicant without an email address
-- or who chose another way of delivery, a third party written to by post); the notice is
-- printed from the case page and delivered by hand or post. SQLite cannot change a CHECK
-- constraint, so the table is rebuilt, by SQL that both backends run alike (copied aside and
-- recreated, so that PostgreSQL keeps its usual constraint names).
--
-- Rows queued before gongkai sent mail were never meant to go out months later: they become
-- 'unaddressed' (printable from the case page) instead of being emailed on the first start.
CREATE TABLE outbox_copy AS SELECT * FROM outbox;
DROP TABLE outbox;
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    event_seq BIGINT NOT NULL,
    notice_kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    -- staff reminders: unique per (level, case, due date, recipient)
    dedupe_key TEXT UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'unaddressed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    last_error TEXT,
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    subject TEXT,
    body TEXT,
    sent_to TEXT
);
INSERT INTO outbox (id, case_id, event_seq, notice_kind, recipient, message_id, dedupe_key,
    status, attempts, next_attempt_at, lease_until, last_error, sent_at, created_at)
SELECT id, case_id, event_seq, notice_kind, recipient, message_id, dedupe_key,
    CASE WHEN status IN ('pending', 'sending') THEN 'unaddressed' ELSE status END,
    attempts, next_attempt_at, NULL,
    CASE WHEN status IN ('pending', 'sending')
        THEN 'queued before gongkai sent mail; print it from the case page if still needed'
        ELSE last_error END,
    sent_at, created_at
FROM outbox_copy;
DROP TABLE outbox_copy;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_case ON outbox (case_id, created_at);
