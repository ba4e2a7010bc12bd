-- The similar-request hint's index holds the case id too (issue 21), so that the band lookup
-- of a case page is answered from the index alone (an index-only scan) instead of visiting a
-- `case_bands` row for each of its up to 16 × 50 entries. Same name, so the bulk loader's
-- set-aside and the docs keep naming it.
DROP INDEX case_bands_lookup;
CREATE INDEX case_bands_lookup ON case_bands (agency_code, band, hash, created_at) INCLUDE (case_id);
