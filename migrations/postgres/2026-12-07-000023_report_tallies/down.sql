DROP TABLE stats_tallies;
DROP TABLE report_tallies;
DELETE FROM settings WHERE key = 'report_tallies_pending';
