DROP INDEX cases_status_created;
