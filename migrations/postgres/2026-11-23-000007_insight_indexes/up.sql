-- Statistics and frequent-request groups are asked per department (a supervisor's scope):
-- requests recorded and cases concluded in a period, by department.
CREATE INDEX cases_department_created ON cases (department_code, created_at);
CREATE INDEX cases_department_concluded ON cases (department_code, concluded_on);
-- Table 四 reads the reconsideration and lawsuit records of a year; a partial index keeps it
-- from walking every event (the query repeats the predicate verbatim).
CREATE INDEX case_events_remedies ON case_events (recorded_at) WHERE kind = 'remedy_recorded';
