ALTER TABLE records ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
ALTER TABLE records ADD COLUMN legal_instrument TEXT NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN legal_article TEXT NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN category TEXT NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN evidence TEXT NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN source_id TEXT;
ALTER TABLE records ADD COLUMN checklist TEXT;
CREATE UNIQUE INDEX records_source ON records (originator, source_id);
CREATE INDEX records_review ON records (originator, review_date);
CREATE TABLE record_versions (
    record_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    at TEXT NOT NULL,
    author TEXT NOT NULL,
    authority TEXT NOT NULL,
    action TEXT NOT NULL,
    reason TEXT NOT NULL,
    classification BIGINT NOT NULL,
    snapshot TEXT NOT NULL,
    PRIMARY KEY (record_id, version)
);
CREATE TABLE record_names (
    record_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    full_name TEXT NOT NULL,
    fold TEXT NOT NULL,
    script TEXT NOT NULL,
    lang TEXT,
    kind TEXT NOT NULL,
    PRIMARY KEY (record_id, position)
);
CREATE INDEX record_names_fold ON record_names (fold);
CREATE TABLE record_identifiers (
    record_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    scheme TEXT NOT NULL,
    value TEXT NOT NULL,
    norm TEXT NOT NULL,
    state TEXT,
    PRIMARY KEY (record_id, position)
);
CREATE INDEX record_identifiers_norm ON record_identifiers (norm);
CREATE TABLE relationships (
    id TEXT PRIMARY KEY,
    from_id TEXT NOT NULL,
    to_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    since TEXT,
    until TEXT,
    source TEXT NOT NULL,
    originator TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX relationships_from ON relationships (from_id);
CREATE INDEX relationships_to ON relationships (to_id);
CREATE TABLE data_subject_requests (
    id TEXT PRIMARY KEY,
    record_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    requester TEXT NOT NULL,
    details TEXT NOT NULL,
    registered_by TEXT NOT NULL,
    registered_authority TEXT NOT NULL,
    originator TEXT NOT NULL,
    received_at TEXT NOT NULL,
    deadline TEXT NOT NULL,
    status TEXT NOT NULL,
    decision TEXT,
    reply TEXT,
    decided_by TEXT,
    decided_at TEXT
);
CREATE INDEX dsr_originator ON data_subject_requests (originator, status);
