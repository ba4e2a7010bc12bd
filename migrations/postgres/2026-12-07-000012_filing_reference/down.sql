DROP INDEX cases_filing_reference;
ALTER TABLE cases DROP COLUMN filing_reference;
