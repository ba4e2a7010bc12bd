-- Remedy bodies an agency's decisions name (行政复议法 2023 art. 20; 行政诉讼法 arts. 45–46):
-- its reconsideration body (复议机关) and the court with jurisdiction. Unset: the notices use
-- generic lawful wording and /admin warns.
ALTER TABLE agencies ADD COLUMN reconsideration_body TEXT;
ALTER TABLE agencies ADD COLUMN court TEXT;
