-- Published annual reports (issue 17 point 15; art. 49): the tables of a year and scope as a
-- supervisor or admin published them, one row per version, never changed afterwards. The
-- scope is '' (every agency), 'agency:CODE' or 'department:CODE'; `tables` is the JSON of
-- the rows as they read; a version after the first gives its reason.
CREATE TABLE published_reports (
    scope TEXT NOT NULL,
    year INTEGER NOT NULL,
    version INTEGER NOT NULL,
    tables TEXT NOT NULL,
    reason TEXT,
    published_by TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, year, version)
);
