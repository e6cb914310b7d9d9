-- Two administrators for every grant of power: a change that gives a user
-- supervisor, data-protection officer or administrator rights, or a
-- clearance above confidential, waits here until a second administrator
-- decides it. NULL columns leave the user's value as it is.
CREATE TABLE user_grants (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    requested_by TEXT NOT NULL,
    roles TEXT,
    clearance BIGINT,
    disabled BIGINT,
    status TEXT NOT NULL,
    decided_by TEXT,
    created_at TEXT NOT NULL,
    decided_at TEXT
);
CREATE INDEX user_grants_pending ON user_grants (status, created_at);
-- A password an administrator set must be changed by its user at the next login.
ALTER TABLE users ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;
