-- The reading room (依申请公开转主动公开, art. 44): what of a case is public, projected from its
-- ReleasePublished / PublicationWithdrawn events in the same transaction. Never the applicant:
-- the subject is written by the supervisor, the items are the released documents.
CREATE TABLE reading_room (
    case_id TEXT PRIMARY KEY NOT NULL REFERENCES cases (id),
    agency_code TEXT NOT NULL,
    subject TEXT NOT NULL,
    -- The published release items as JSON (title, 文号, pages, form, file id/sha256/size).
    items TEXT NOT NULL,
    -- Subject, titles and 文号, one per line: what the public search matches.
    search_text TEXT NOT NULL,
    published_on DATE NOT NULL,
    published_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP,
    withdrawn_on DATE,
    withdraw_reason TEXT
);
CREATE INDEX reading_room_public ON reading_room (agency_code, published_at);
CREATE INDEX reading_room_recent ON reading_room (published_at);
