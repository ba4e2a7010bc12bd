-- The similar-request hint's index holds the case id too (issue 21). Without it each of the up
-- to 16 × 50 entries a case page's band lookup reads cost a lookup of its row in `case_bands`
-- to learn the case id: on 1,000,000 cases that was most of the case page's time (14–21 ms of
-- a page alone, 5–8 ms with the covering index). Same name, so the bulk loader's set-aside
-- and the docs keep naming it.
DROP INDEX case_bands_lookup;
CREATE INDEX case_bands_lookup ON case_bands (agency_code, band, hash, created_at, case_id);
