DROP INDEX cases_department_due;
DROP INDEX cases_open_queue;
