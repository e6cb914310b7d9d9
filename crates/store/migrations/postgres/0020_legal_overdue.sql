-- A request past its deadline without an answer is flagged to both sides once.
ALTER TABLE legal_requests ADD COLUMN overdue_flagged BIGINT NOT NULL DEFAULT 0;
