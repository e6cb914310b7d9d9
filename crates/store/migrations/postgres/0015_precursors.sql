-- Precursor control: the substance catalogue (from the configuration), each
-- state's declared annual legitimate requirements, pre-export notifications
-- with their trail, and incidents.
ALTER TABLE organization ADD COLUMN precursor_authority TEXT NOT NULL DEFAULT 'anti-drug-agency';
ALTER TABLE organization ADD COLUMN precursor_reply_days BIGINT NOT NULL DEFAULT 15;

CREATE TABLE precursor_substances (
    id TEXT PRIMARY KEY,
    name_en TEXT NOT NULL,
    name_ru TEXT,
    name_zh TEXT,
    cas TEXT NOT NULL,
    convention_table TEXT NOT NULL,
    measure TEXT NOT NULL
);

CREATE TABLE precursor_requirements (
    state_code TEXT NOT NULL,
    substance TEXT NOT NULL,
    year BIGINT NOT NULL,
    quantity BIGINT NOT NULL,
    declared_by TEXT NOT NULL,
    declared_at TEXT NOT NULL,
    PRIMARY KEY (state_code, substance, year)
);

CREATE TABLE pre_export_notifications (
    id TEXT PRIMARY KEY,
    originator TEXT NOT NULL,
    exporting_state TEXT NOT NULL,
    importing_state TEXT NOT NULL,
    exporter TEXT NOT NULL,
    importer TEXT NOT NULL,
    consignee TEXT NOT NULL,
    substance TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    -- "STATE<TAB>point of entry" per line, in route order.
    transit TEXT NOT NULL,
    point_of_entry TEXT NOT NULL,
    planned_export TEXT NOT NULL,
    year BIGINT NOT NULL,
    deadline TEXT NOT NULL,
    stage TEXT NOT NULL,
    counts BIGINT NOT NULL,
    distribution TEXT NOT NULL,
    dissemination TEXT NOT NULL,
    use_code TEXT NOT NULL,
    classification BIGINT NOT NULL,
    declared BIGINT,
    notified_before BIGINT NOT NULL,
    overdue_flagged BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL
);
-- The cumulative check: what an importing state was notified of one
-- substance in one year, among the shipments that still count.
CREATE INDEX pre_export_by_import ON pre_export_notifications (importing_state, substance, year, counts);
CREATE INDEX pre_export_by_created ON pre_export_notifications (created_at, id);
CREATE INDEX pre_export_open ON pre_export_notifications (stage, deadline);

CREATE TABLE pre_export_events (
    notification_id TEXT NOT NULL REFERENCES pre_export_notifications(id),
    seq BIGINT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    state_code TEXT,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (notification_id, seq)
);

CREATE TABLE precursor_incidents (
    id TEXT PRIMARY KEY,
    originator TEXT NOT NULL,
    originator_state TEXT,
    kind TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    place TEXT NOT NULL,
    description TEXT NOT NULL,
    substance TEXT,
    quantity BIGINT,
    notification_id TEXT,
    -- Comma-separated ids.
    records TEXT NOT NULL,
    messages TEXT NOT NULL,
    distribution TEXT NOT NULL,
    dissemination TEXT NOT NULL,
    use_code TEXT NOT NULL,
    classification BIGINT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX precursor_incidents_by_notification ON precursor_incidents (notification_id);
