CREATE TABLE organization (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    name_en TEXT NOT NULL, name_ru TEXT, name_zh TEXT,
    review_grace_days BIGINT NOT NULL
);
CREATE TABLE states (
    code TEXT PRIMARY KEY,
    name_en TEXT NOT NULL, name_ru TEXT, name_zh TEXT
);
CREATE TABLE membership_events (
    state_code TEXT NOT NULL REFERENCES states(code) ON DELETE CASCADE,
    since TEXT NOT NULL,
    status TEXT NOT NULL,
    PRIMARY KEY (state_code, since)
);
CREATE TABLE authorities (
    id TEXT PRIMARY KEY,
    state_code TEXT REFERENCES states(code),
    kind TEXT NOT NULL,
    name_en TEXT NOT NULL, name_ru TEXT, name_zh TEXT
);
CREATE TABLE bodies (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name_en TEXT NOT NULL, name_ru TEXT, name_zh TEXT,
    parent TEXT,
    level BIGINT
);
CREATE TABLE instruments (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    title_en TEXT NOT NULL, title_ru TEXT, title_zh TEXT,
    adopted TEXT NOT NULL
);
CREATE TABLE instrument_articles (
    instrument_id TEXT NOT NULL REFERENCES instruments(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    PRIMARY KEY (instrument_id, number)
);
CREATE TABLE instrument_parties (
    instrument_id TEXT NOT NULL REFERENCES instruments(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    state_code TEXT NOT NULL REFERENCES states(code),
    signed TEXT NOT NULL,
    ratified TEXT,
    PRIMARY KEY (instrument_id, state_code)
);
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    authority_id TEXT NOT NULL,
    roles TEXT NOT NULL,
    clearance BIGINT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE TABLE records (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    title_fold TEXT NOT NULL,
    originator TEXT NOT NULL,
    originator_state TEXT,
    distribution TEXT NOT NULL,
    dissemination TEXT NOT NULL,
    use_code TEXT NOT NULL,
    classification BIGINT NOT NULL,
    compliance TEXT NOT NULL,
    compliance_note TEXT,
    review_date TEXT,
    consented TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX records_classification ON records (classification);
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    authority TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    purpose TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TABLE audit_checkpoints (
    seq BIGINT PRIMARY KEY,
    head TEXT NOT NULL,
    at TEXT NOT NULL,
    signature TEXT NOT NULL,
    public_key TEXT NOT NULL
);
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
