DROP INDEX case_events_remedies;
DROP INDEX cases_department_concluded;
DROP INDEX cases_department_created;
