-- The supervisors' list of notices in one status, newest first (`outbox::list`, default: the
-- failed ones). SQLite without histograms (no STAT4, .cargo/config.toml) sees one status on
-- nearly every row and joined every case of the department to every notice of it instead,
-- then sorted: 4.5 s at 1,000,000 cases for a list that is empty (issue 21). With this index
-- the list is read in order, newest first, and stops at its length.
CREATE INDEX outbox_status_created ON outbox (status, created_at, id);
