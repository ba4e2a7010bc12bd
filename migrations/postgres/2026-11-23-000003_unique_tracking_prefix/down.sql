DROP INDEX agencies_tracking_prefix;
