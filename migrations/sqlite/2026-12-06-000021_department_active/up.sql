-- A department an admin deactivated (停用): kept with its cases, users and history, but no
-- longer offered for new requests, assignments or staff.
ALTER TABLE departments ADD COLUMN active BOOLEAN NOT NULL DEFAULT TRUE;
