DROP INDEX cases_open_warning;
