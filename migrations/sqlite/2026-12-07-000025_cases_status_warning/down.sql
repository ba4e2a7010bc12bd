DROP INDEX cases_status_warning;
