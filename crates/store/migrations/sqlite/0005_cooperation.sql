-- Workflow settings from organization.toml.
ALTER TABLE organization ADD COLUMN silence_period_days BIGINT NOT NULL DEFAULT 30;
ALTER TABLE organization ADD COLUMN consultation_window_hours BIGINT NOT NULL DEFAULT 72;
ALTER TABLE organization ADD COLUMN consultation_meeting_delay_hours BIGINT NOT NULL DEFAULT 48;
ALTER TABLE organization ADD COLUMN consultation_proposer TEXT NOT NULL DEFAULT 'foreign-ministry';
-- Intelligence exchange.
CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    thread_id TEXT NOT NULL,
    parent_id TEXT,
    kind TEXT NOT NULL,
    priority TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    search_fold TEXT NOT NULL,
    sender TEXT NOT NULL,
    originator TEXT NOT NULL,
    originator_state TEXT,
    distribution TEXT NOT NULL,
    dissemination TEXT NOT NULL,
    use_code TEXT NOT NULL,
    classification BIGINT NOT NULL,
    consented TEXT NOT NULL DEFAULT '',
    deadline TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX messages_thread ON messages (thread_id, created_at);
CREATE INDEX messages_outbox ON messages (originator, created_at);
CREATE INDEX messages_created ON messages (created_at, id);
CREATE TABLE message_recipients (
    message_id TEXT NOT NULL REFERENCES messages(id),
    recipient TEXT NOT NULL,
    forward_id TEXT,
    delivery TEXT NOT NULL,
    delivered_at TEXT,
    acknowledged_at TEXT,
    acknowledged_by TEXT,
    answered_at TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (message_id, recipient)
);
CREATE INDEX message_recipients_inbox ON message_recipients (recipient, created_at);
CREATE TABLE message_links (
    message_id TEXT NOT NULL REFERENCES messages(id),
    record_id TEXT NOT NULL,
    PRIMARY KEY (message_id, record_id)
);
CREATE TABLE attachments (
    sha256 TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    content BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE message_attachments (
    message_id TEXT NOT NULL REFERENCES messages(id),
    sha256 TEXT NOT NULL REFERENCES attachments(sha256),
    filename TEXT NOT NULL,
    PRIMARY KEY (message_id, sha256)
);
CREATE TABLE forward_requests (
    id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL REFERENCES messages(id),
    originator TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requester_authority TEXT NOT NULL,
    recipients TEXT NOT NULL,
    note TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    reason TEXT
);
CREATE INDEX forward_requests_originator ON forward_requests (originator, status);
-- Notifications to the authorities (and roles) that must act.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    authority TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX notifications_authority ON notifications (authority, created_at);
-- The unified list by consensus.
CREATE TABLE designations (
    id TEXT PRIMARY KEY,
    direction TEXT NOT NULL,
    record_id TEXT NOT NULL,
    organization TEXT NOT NULL,
    proposer_state TEXT NOT NULL,
    proposer_authority TEXT NOT NULL,
    legal_instrument TEXT NOT NULL,
    legal_article TEXT NOT NULL,
    evidence TEXT NOT NULL,
    criteria TEXT NOT NULL,
    stage TEXT NOT NULL,
    electorate TEXT NOT NULL DEFAULT '',
    silence_ends TEXT,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX designations_stage ON designations (stage, silence_ends);
CREATE TABLE designation_positions (
    designation_id TEXT NOT NULL REFERENCES designations(id),
    state_code TEXT NOT NULL,
    position TEXT NOT NULL,
    reasons TEXT NOT NULL,
    user_id TEXT,
    at TEXT NOT NULL,
    PRIMARY KEY (designation_id, state_code)
);
CREATE TABLE designation_events (
    designation_id TEXT NOT NULL REFERENCES designations(id),
    seq BIGINT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    authority TEXT NOT NULL,
    action TEXT NOT NULL,
    stage TEXT NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (designation_id, seq)
);
CREATE TABLE common_list (
    record_id TEXT PRIMARY KEY,
    organization TEXT NOT NULL,
    designation_id TEXT NOT NULL,
    listed_at TEXT NOT NULL
);
CREATE TABLE national_list (
    state_code TEXT NOT NULL,
    record_id TEXT NOT NULL,
    organization TEXT NOT NULL,
    listed_on TEXT NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (state_code, record_id)
);
-- Emergency consultations.
CREATE TABLE consultations (
    id TEXT PRIMARY KEY,
    stage TEXT NOT NULL,
    summary TEXT NOT NULL,
    window_ends TEXT NOT NULL,
    members TEXT NOT NULL DEFAULT '',
    meeting_at TEXT,
    agenda TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE consultation_events (
    consultation_id TEXT NOT NULL REFERENCES consultations(id),
    seq BIGINT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    state_code TEXT,
    action TEXT NOT NULL,
    statement_version BIGINT,
    detail TEXT NOT NULL,
    PRIMARY KEY (consultation_id, seq)
);
CREATE TABLE statement_versions (
    consultation_id TEXT NOT NULL REFERENCES consultations(id),
    version BIGINT NOT NULL,
    text TEXT NOT NULL,
    state_code TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (consultation_id, version)
);
CREATE TABLE statement_verdicts (
    consultation_id TEXT NOT NULL REFERENCES consultations(id),
    version BIGINT NOT NULL,
    state_code TEXT NOT NULL,
    verdict TEXT NOT NULL,
    reasons TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (consultation_id, version, state_code)
);
