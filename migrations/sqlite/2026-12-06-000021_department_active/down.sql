ALTER TABLE departments DROP COLUMN active;
