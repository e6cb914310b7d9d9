-- Failed logins in a row per user name (known or not, so that the answers
-- do not tell them apart): the wait they impose and the lock-out.
CREATE TABLE login_guard (
    username TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    wait_until BIGINT NOT NULL,
    locked BIGINT NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);
