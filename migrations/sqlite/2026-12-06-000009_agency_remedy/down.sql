ALTER TABLE agencies DROP COLUMN court;
ALTER TABLE agencies DROP COLUMN reconsideration_body;
