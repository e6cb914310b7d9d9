-- Controlled deliveries: the plan with its route, each state's answer, and
-- the trail (custody hand-overs, loss of control, outcome).
CREATE TABLE controlled_deliveries (
    id TEXT PRIMARY KEY,
    originator TEXT NOT NULL,
    lead_state TEXT NOT NULL,
    consignment TEXT NOT NULL,
    method TEXT NOT NULL,
    planned_start TEXT NOT NULL,
    planned_end TEXT NOT NULL,
    stage TEXT NOT NULL,
    -- The position on the route of the state holding custody, once underway.
    custodian BIGINT,
    outcome TEXT,
    outcome_detail TEXT NOT NULL DEFAULT '',
    distribution TEXT NOT NULL,
    dissemination TEXT NOT NULL,
    use_code TEXT NOT NULL,
    classification BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX controlled_deliveries_by_created ON controlled_deliveries (created_at, id);

CREATE TABLE delivery_legs (
    delivery_id TEXT NOT NULL REFERENCES controlled_deliveries (id),
    position BIGINT NOT NULL,
    state_code TEXT NOT NULL,
    handover_point TEXT NOT NULL,
    contact TEXT NOT NULL,
    PRIMARY KEY (delivery_id, position)
);

CREATE TABLE delivery_answers (
    delivery_id TEXT NOT NULL REFERENCES controlled_deliveries (id),
    state_code TEXT NOT NULL,
    -- authorized or refused
    answer TEXT NOT NULL,
    text TEXT NOT NULL,
    answered_by TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (delivery_id, state_code)
);

CREATE TABLE delivery_events (
    delivery_id TEXT NOT NULL REFERENCES controlled_deliveries (id),
    seq BIGINT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    state_code TEXT,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (delivery_id, seq)
);
