-- The short reference an online filing is given for people to read out (10 characters from
-- 23456789ABCDEFGHJKMNPQRSTUVWXYZ: no 0/O, 1/I/L), shown on its receipt instead of the case
-- id. NULL for requests of the other channels and for online filings made before this
-- migration, which keep being found by their case id. Unique among those that have one.
ALTER TABLE cases ADD COLUMN filing_reference TEXT;
CREATE UNIQUE INDEX cases_filing_reference ON cases (filing_reference);
