-- 保密审查 (secrecy review) of a reply's release: a permission an admin grants per user;
-- supervisors have it by default.
ALTER TABLE users ADD COLUMN secrecy_reviewer BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE users SET secrecy_reviewer = TRUE WHERE role = 'supervisor';
