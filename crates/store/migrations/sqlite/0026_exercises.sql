-- Joint exercises: the plan, each participant's confirmation, and the
-- after-action report.
CREATE TABLE exercises (
    id TEXT PRIMARY KEY,
    originator TEXT NOT NULL,
    initiator TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    host TEXT NOT NULL,
    -- Comma-separated state codes.
    participants TEXT NOT NULL,
    observers TEXT NOT NULL,
    -- One phase per line: name, tab, start, tab, end.
    phases TEXT NOT NULL,
    first_day TEXT NOT NULL,
    scenario TEXT NOT NULL,
    -- One state per line: code, tab, forces.
    forces TEXT NOT NULL,
    stage TEXT NOT NULL,
    after_action TEXT NOT NULL,
    -- One lesson per line.
    lessons TEXT NOT NULL,
    distribution TEXT NOT NULL,
    dissemination TEXT NOT NULL,
    use_code TEXT NOT NULL,
    classification BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX exercises_by_first_day ON exercises (first_day, id);

CREATE TABLE exercise_confirmations (
    exercise_id TEXT NOT NULL REFERENCES exercises (id),
    state_code TEXT NOT NULL,
    confirmed_by TEXT NOT NULL,
    confirmed_at TEXT NOT NULL,
    PRIMARY KEY (exercise_id, state_code)
);
