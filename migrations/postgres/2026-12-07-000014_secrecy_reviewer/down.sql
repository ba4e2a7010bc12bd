ALTER TABLE users DROP COLUMN secrecy_reviewer;
