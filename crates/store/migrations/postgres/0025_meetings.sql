-- Meetings of the registry's bodies, their decisions and each decision's
-- follow-up actions.
CREATE TABLE meetings (
    id TEXT PRIMARY KEY,
    originator TEXT NOT NULL,
    originator_state TEXT,
    body TEXT NOT NULL,
    kind TEXT NOT NULL,
    held_on TEXT NOT NULL,
    place TEXT NOT NULL,
    chair TEXT NOT NULL,
    -- Comma-separated state codes, in the order given.
    participants TEXT NOT NULL,
    -- One item per line.
    agenda TEXT NOT NULL,
    distribution TEXT NOT NULL,
    dissemination TEXT NOT NULL,
    use_code TEXT NOT NULL,
    classification BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX meetings_by_date ON meetings (held_on, id);

CREATE TABLE meeting_decisions (
    meeting_id TEXT NOT NULL REFERENCES meetings (id),
    number TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    text TEXT NOT NULL,
    -- Comma-separated instrument ids.
    instruments TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (meeting_id, number)
);

CREATE TABLE decision_actions (
    meeting_id TEXT NOT NULL,
    number TEXT NOT NULL,
    position BIGINT NOT NULL,
    state_code TEXT NOT NULL,
    task TEXT NOT NULL,
    due TEXT NOT NULL,
    done_at TEXT,
    report TEXT NOT NULL,
    PRIMARY KEY (meeting_id, number, position)
);
