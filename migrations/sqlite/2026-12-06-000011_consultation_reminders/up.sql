-- The earliest day an open consultation calls for a reminder to the clerk: the end of a
-- third party's or a co-author agency's window (arts. 32, 34, counted from the letter's
-- receipt), or the reminder day of an art. 33 consultation. NULL when none is open. Filled by
-- every command on the case and by the recomputation of open cases at start.
ALTER TABLE cases ADD COLUMN consultation_due DATE;
-- The scheduler looks for the cases whose day has passed (the query repeats the predicate).
CREATE INDEX cases_consultation_due ON cases (consultation_due) WHERE consultation_due IS NOT NULL;
