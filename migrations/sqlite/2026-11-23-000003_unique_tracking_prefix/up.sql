-- Two agencies with one tracking-number prefix would hand out the same numbers.
CREATE UNIQUE INDEX agencies_tracking_prefix ON agencies (tracking_prefix);
