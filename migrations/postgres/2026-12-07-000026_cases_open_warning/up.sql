-- The supervisors' dashboard lists a department's open cases that are overdue (or due soon)
-- in due-date order (`queries::queue` with a warning level). Through `cases_open_queue` it read
-- every open case of the department to find them: at 1,000,000 cases, a department with 576
-- open cases and none overdue cost two times 576 row reads a page, and SQLite without
-- histograms (no STAT4, .cargo/config.toml) has no way to know that another index is better
-- (issue 21). Here the warning level comes before the due date, so each list is one range
-- read in order, empty when there is nothing to show.
CREATE INDEX cases_open_warning ON cases (department_code, warning_level, due_sort, id)
    WHERE status IN ('received', 'registered', 'processing', 'under_review');
