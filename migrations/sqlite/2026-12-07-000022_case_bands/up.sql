-- The similar-request hint (issue 21): the banded MinHash signature of each case's request
-- (`gongkai_workflow::similar::band_hashes`, 16 bands), one row per band, written by `execute`
-- with the search text whenever the request's text changes. The case page looks its
-- candidates up by agency, band and hash, newest first within its window, instead of probing
-- the text. Cases stored before this migration get their rows from `gongkai migrate` (or
-- `serve`) right after it.
CREATE TABLE case_bands (
    case_id TEXT NOT NULL REFERENCES cases (id),
    -- The case's agency and receipt instant (both fixed at receipt), copied so that one
    -- index answers the lookup.
    agency_code TEXT NOT NULL,
    band INTEGER NOT NULL,
    hash BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (case_id, band)
);
CREATE INDEX case_bands_lookup ON case_bands (agency_code, band, hash, created_at);
