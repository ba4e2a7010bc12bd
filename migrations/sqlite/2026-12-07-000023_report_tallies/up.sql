-- The annual report's tallies (issue 21; `gongkai_store::tallies`): for each agency,
-- department, year, applicant column (0–5, in the order of table 三's columns), first or
-- reopened handling, and outcome, how many handlings of requests began in the year (outcome
-- '') or ended in it (the outcome's token, e.g. 'not_disclosed/security'). Every write of a
-- case adds the difference its command makes, so that table 三 of a year is a sum of a few
-- thousand rows instead of a fold of every case's events. (A handling begins when a request is
-- received in law: an online filing only when a clerk confirms it, under the agency's
-- tracking-number lock, so these rows are not written by concurrent filings.)
CREATE TABLE report_tallies (
    agency_code TEXT NOT NULL,
    department_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    applicant_column INTEGER NOT NULL,
    reopened BOOLEAN NOT NULL,
    outcome TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (department_code, year, agency_code, applicant_column, reopened, outcome)
);
-- The monthly statistics' tallies (`gongkai_store::tallies`, `stats::monthly`): for each agency,
-- department, year and month, how many requests were recorded (measure 'received', by the
-- month of the case's creation, Beijing time) and how many concluded (measure: the outcome's
-- group, 'other' when it has none), by reply ('' none, 'on_time', 'late') and the working days
-- the reply took (-1 when none). Changed by the difference between a case's projection row
-- after a command and as stored before it. The 'received' counts are split over 8 rows
-- (`stripe`, from the case id; 0 for the others): every filing adds to one. Both keys begin
-- with the department and the year: what a supervisor's page reads is one range of each.
CREATE TABLE stats_tallies (
    agency_code TEXT NOT NULL,
    department_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    month INTEGER NOT NULL,
    measure TEXT NOT NULL,
    reply TEXT NOT NULL,
    reply_days INTEGER NOT NULL,
    stripe INTEGER NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (department_code, year, agency_code, month, measure, reply, reply_days, stripe)
);
-- Cases stored before this migration are counted by `gongkai migrate` (or `serve`) right
-- after it; until then the report folds the events and the
-- statistics read the cases, as they did before. (The setting's time is
-- the migration's date, the same text on both backends.)
INSERT INTO settings (key, value, updated_by, updated_at)
SELECT 'report_tallies_pending', '"count the cases stored before migration 2026-12-07-000023"',
       'system', '2026-12-07 00:00:00'
WHERE EXISTS (SELECT 1 FROM cases);
