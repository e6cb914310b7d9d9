-- Joint operations: the plan among participating states, and each state's
-- results (seizures, arrests, cases opened).
CREATE TABLE joint_operations (
    id TEXT PRIMARY KEY,
    originator TEXT NOT NULL,
    lead_state TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    -- Comma-separated state codes, in the order given.
    participants TEXT NOT NULL,
    starts TEXT NOT NULL,
    ends TEXT NOT NULL,
    stage TEXT NOT NULL,
    distribution TEXT NOT NULL,
    dissemination TEXT NOT NULL,
    use_code TEXT NOT NULL,
    classification BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX joint_operations_by_created ON joint_operations (created_at, id);

CREATE TABLE operation_results (
    operation_id TEXT NOT NULL REFERENCES joint_operations (id),
    state_code TEXT NOT NULL,
    -- One seizure per line: substance, tab, grams.
    seizures TEXT NOT NULL,
    arrests BIGINT NOT NULL,
    cases_opened BIGINT NOT NULL,
    reported_by TEXT NOT NULL,
    reported_at TEXT NOT NULL,
    PRIMARY KEY (operation_id, state_code)
);
