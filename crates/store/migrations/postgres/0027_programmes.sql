-- Multi-year cooperation programmes, their actions and each responsible
-- state's reported progress.
CREATE TABLE programmes (
    id TEXT PRIMARY KEY,
    originator TEXT NOT NULL,
    originator_state TEXT,
    name TEXT NOT NULL,
    first_year BIGINT NOT NULL,
    last_year BIGINT NOT NULL,
    -- Comma-separated state codes.
    participants TEXT NOT NULL,
    distribution TEXT NOT NULL,
    dissemination TEXT NOT NULL,
    use_code TEXT NOT NULL,
    classification BIGINT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE programme_actions (
    programme_id TEXT NOT NULL REFERENCES programmes (id),
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    responsible TEXT NOT NULL,
    indicator TEXT NOT NULL,
    deadline TEXT NOT NULL,
    PRIMARY KEY (programme_id, position)
);

CREATE TABLE programme_progress (
    programme_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    state_code TEXT NOT NULL,
    percent BIGINT NOT NULL,
    note TEXT NOT NULL,
    reported_at TEXT NOT NULL,
    PRIMARY KEY (programme_id, position, state_code)
);
