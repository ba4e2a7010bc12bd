DROP TABLE release_links;
DROP TABLE release_downloads;
