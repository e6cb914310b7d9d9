-- TAXII 2.1: objects per collection (a sharing group), with the handling
-- code they were shared under, and the status of every POST.
CREATE TABLE taxii_objects (
    collection TEXT NOT NULL,
    stix_id TEXT NOT NULL,
    version TEXT NOT NULL,
    added_at TEXT NOT NULL,
    stix_type TEXT NOT NULL,
    spec_version TEXT NOT NULL,
    originator TEXT NOT NULL,
    originator_state TEXT,
    distribution TEXT NOT NULL,
    dissemination TEXT NOT NULL,
    use_code TEXT NOT NULL,
    classification BIGINT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (collection, stix_id, version)
);
CREATE INDEX taxii_objects_added ON taxii_objects (collection, added_at, stix_id, version);
CREATE TABLE taxii_status (
    id TEXT PRIMARY KEY,
    authority TEXT NOT NULL,
    request_timestamp TEXT NOT NULL,
    body TEXT NOT NULL
);
