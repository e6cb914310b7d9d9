-- Webhooks: a state (or the regional structure) names a URL; notifications
-- for its authorities are posted there in order, at least once, from a
-- watermark that advances on each delivery.
CREATE TABLE webhooks (
    owner TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    watermark_at TEXT NOT NULL,
    watermark_id TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    delivered BIGINT NOT NULL DEFAULT 0,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
