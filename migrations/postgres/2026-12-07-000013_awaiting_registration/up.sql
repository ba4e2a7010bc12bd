-- The online filings awaiting confirmation (status 'received') by submission time: the
-- 电子监察 dashboard counts those waiting longer than supervision.pending_registration_days.
CREATE INDEX cases_status_created ON cases (status, created_at);
