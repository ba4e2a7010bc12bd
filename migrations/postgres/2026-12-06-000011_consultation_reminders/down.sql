DROP INDEX cases_consultation_due;
ALTER TABLE cases DROP COLUMN consultation_due;
