-- The similar-request hint's index holds the case id too (issue 21), so that the band lookup
-- of a case page is answered from the index alone (an index-only scan; gongkai's bulk work ends
-- with VACUUM so that the freshly written pages need no visit) instead of visiting a
-- `case_bands` row for each of its up to 16 × 50 entries. The same statement as on SQLite
-- (`INCLUDE (case_id)` would make the index slightly smaller, but the schema is kept the same
-- on both backends). Same name, so the bulk loader's set-aside and the docs keep naming it.
DROP INDEX case_bands_lookup;
CREATE INDEX case_bands_lookup ON case_bands (agency_code, band, hash, created_at, case_id);
