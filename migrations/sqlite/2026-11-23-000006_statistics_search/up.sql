-- Statistics, search and frequent-request detection (issue 7).
--
-- The projection gains what monthly statistics and the repeat-request hint read: the day the
-- reply was given, its due date then, the working days it took, the day the case ended, and a
-- key for the applicant (ID number, credit code, else contact). Cases stored before this
-- migration get them when `gongkai migrate` (or `serve`) re-projects them right after it.
ALTER TABLE cases ADD COLUMN replied_on DATE;
ALTER TABLE cases ADD COLUMN reply_due_on DATE;
ALTER TABLE cases ADD COLUMN reply_days INTEGER;
ALTER TABLE cases ADD COLUMN concluded_on DATE;
ALTER TABLE cases ADD COLUMN applicant_key TEXT;
CREATE INDEX cases_agency_concluded ON cases (agency_code, concluded_on);
CREATE INDEX cases_agency_created ON cases (agency_code, created_at);
CREATE INDEX cases_applicant_key ON cases (applicant_key, created_at);

-- The searchable text of each case (applicant name, request, reply), written by `execute` in
-- the same transaction as the events. SQLite indexes it with FTS5's trigram tokenizer (an
-- external-content table kept in step by triggers); PostgreSQL with pg_trgm.
CREATE TABLE case_texts (
    id INTEGER PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL UNIQUE REFERENCES cases (id),
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    reply TEXT NOT NULL
);
CREATE VIRTUAL TABLE case_search USING fts5(
    name, description, reply,
    content = 'case_texts', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER case_texts_ai AFTER INSERT ON case_texts BEGIN
    INSERT INTO case_search (rowid, name, description, reply)
    VALUES (new.id, new.name, new.description, new.reply);
END;
CREATE TRIGGER case_texts_ad AFTER DELETE ON case_texts BEGIN
    INSERT INTO case_search (case_search, rowid, name, description, reply)
    VALUES ('delete', old.id, old.name, old.description, old.reply);
END;
CREATE TRIGGER case_texts_au AFTER UPDATE ON case_texts BEGIN
    INSERT INTO case_search (case_search, rowid, name, description, reply)
    VALUES ('delete', old.id, old.name, old.description, old.reply);
    INSERT INTO case_search (rowid, name, description, reply)
    VALUES (new.id, new.name, new.description, new.reply);
END;

-- A supervisor's mark on a group of near-identical requests: recommend the information for
-- proactive disclosure (art. 44). The group is kept as it was when marked.
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
