-- /metrics reports cases by status and warning level (`queries::status_counts`). No index
-- covered both columns, so its first scrape on a 1,000,000-case SQLite database read every
-- case row: 13.8 s cold, longer than a Prometheus scrape waits (issue 21). With this index the
-- count reads the index alone (0.15 s).
CREATE INDEX cases_status_warning ON cases (status, warning_level);
