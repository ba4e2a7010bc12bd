DROP TABLE calendar_years;
DROP TABLE settings;
DROP TABLE login_failures;
DROP TABLE sessions;
