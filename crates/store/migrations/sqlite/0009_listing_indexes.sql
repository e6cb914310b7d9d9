-- Listings order by (time, id): indexes that hold both walk in that order
-- without sorting, on every backend's planner.
DROP INDEX message_recipients_inbox;
CREATE INDEX message_recipients_inbox ON message_recipients (recipient, created_at, message_id);
DROP INDEX messages_outbox;
CREATE INDEX messages_outbox ON messages (originator, created_at, id);
