-- Links between the objects of one case (notifications, incidents,
-- deliveries, operations, legal requests); the pair is kept in a stable
-- order so that it is stored once.
CREATE TABLE case_links (
    id TEXT PRIMARY KEY,
    from_kind TEXT NOT NULL,
    from_id TEXT NOT NULL,
    to_kind TEXT NOT NULL,
    to_id TEXT NOT NULL,
    note TEXT NOT NULL,
    authority TEXT NOT NULL,
    state_code TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (from_kind, from_id, to_kind, to_id)
);
CREATE INDEX case_links_by_to ON case_links (to_kind, to_id);
