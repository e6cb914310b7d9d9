-- Every write to records paid for an index no query wants: listings walk
-- the (created_at, id) keyset and compare the clearance on the way.
DROP INDEX records_classification;
-- Names and documents are looked up by their record and position: kept in
-- that order without a rowid, they need one b-tree each instead of two.
CREATE TABLE record_names_lean (
    record_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    full_name TEXT NOT NULL,
    fold TEXT NOT NULL,
    script TEXT NOT NULL,
    lang TEXT,
    kind TEXT NOT NULL,
    PRIMARY KEY (record_id, position)
) WITHOUT ROWID;
INSERT INTO record_names_lean SELECT record_id, position, full_name, fold, script, lang, kind FROM record_names;
DROP TABLE record_names;
ALTER TABLE record_names_lean RENAME TO record_names;
CREATE INDEX record_names_fold ON record_names (fold);
CREATE TABLE record_identifiers_lean (
    record_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    scheme TEXT NOT NULL,
    value TEXT NOT NULL,
    norm TEXT NOT NULL,
    state TEXT,
    PRIMARY KEY (record_id, position)
) WITHOUT ROWID;
INSERT INTO record_identifiers_lean SELECT record_id, position, scheme, value, norm, state FROM record_identifiers;
DROP TABLE record_identifiers;
ALTER TABLE record_identifiers_lean RENAME TO record_identifiers;
CREATE INDEX record_identifiers_norm ON record_identifiers (norm);
