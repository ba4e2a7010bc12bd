-- Delivery of a reply's release (issue 19): every retrieval of the reply letter or a released
-- file by the applicant, and the expiring download links sent by e-mail. Addresses are stored
-- as keyed hashes only; link tokens as their sha256 only.
CREATE TABLE release_downloads (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    -- The released attachment; NULL for the reply letter (PDF).
    attachment_id TEXT,
    -- lookup (tracking number + query code), account, link (the e-mailed token), api.
    via TEXT NOT NULL,
    address_hash TEXT NOT NULL,
    downloaded_at TIMESTAMP NOT NULL
);
CREATE INDEX release_downloads_case ON release_downloads (case_id, downloaded_at);

CREATE TABLE release_links (
    token_hash TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
-- For the housekeeping that removes expired links.
CREATE INDEX release_links_expiry ON release_links (expires_at);
