-- Mutual legal assistance and extradition: requests between the states'
-- central authorities with their trail, and the originators' consents to
-- use an intelligence-only record or message as evidence.
ALTER TABLE organization ADD COLUMN legal_assistance_authority TEXT NOT NULL DEFAULT 'prosecutor';

CREATE TABLE legal_requests (
    id TEXT PRIMARY KEY,
    originator TEXT NOT NULL,
    requesting_state TEXT NOT NULL,
    requested_state TEXT NOT NULL,
    kind TEXT NOT NULL,
    facts TEXT NOT NULL,
    request TEXT NOT NULL,
    -- One offence per line: name, requesting law, requested law, tab-separated.
    offences TEXT NOT NULL,
    -- One per line.
    persons TEXT NOT NULL,
    records TEXT NOT NULL,
    messages TEXT NOT NULL,
    urgent BIGINT NOT NULL,
    deadline TEXT,
    status TEXT NOT NULL,
    -- Comma-separated refusal grounds.
    grounds TEXT NOT NULL DEFAULT '',
    distribution TEXT NOT NULL,
    dissemination TEXT NOT NULL,
    use_code TEXT NOT NULL,
    classification BIGINT NOT NULL,
    sent_at TEXT,
    answered_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX legal_requests_by_created ON legal_requests (created_at, id);

CREATE TABLE legal_request_events (
    request_id TEXT NOT NULL REFERENCES legal_requests (id),
    seq BIGINT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    state_code TEXT,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (request_id, seq)
);

CREATE TABLE evidence_consents (
    -- A record or message id.
    object_id TEXT NOT NULL,
    -- The authority that may use it as evidence.
    authority TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (object_id, authority)
);
