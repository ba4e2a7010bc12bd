DROP TABLE published_reports;
