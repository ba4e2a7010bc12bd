DROP INDEX case_bands_lookup;
CREATE INDEX case_bands_lookup ON case_bands (agency_code, band, hash, created_at);
