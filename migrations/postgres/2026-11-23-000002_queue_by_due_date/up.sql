-- The clerk queue reads a department's open cases in due-date order, usually for several
-- statuses at once. A partial index over the open cases alone serves it without a sort and
-- without walking the (far more numerous) closed cases; queries repeat the predicate verbatim
-- so that SQLite's planner can match it.
CREATE INDEX cases_open_queue ON cases (department_code, due_sort, id)
    WHERE status IN ('received', 'registered', 'processing', 'under_review');

-- Listing all of a department's cases (any status) in due-date order.
CREATE INDEX cases_department_due ON cases (department_code, due_sort, id);
