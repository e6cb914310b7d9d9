-- Full-text search over messages. Each document holds the message's folded
-- subject and body plus one token for its originator and one per addressee
-- (hex of the id), so that "my inbox AND these words" is one index query.
-- Messages are indexed after their commit, in rowid order, by the store's
-- upkeep task and before every search: `indexed_rowid` is how far it got;
-- `message_search_dirty` lists messages whose addressees changed since.
CREATE VIRTUAL TABLE message_search USING fts5(doc, content='', contentless_delete=1);
INSERT INTO message_search (rowid, doc)
SELECT m.rowid,
       m.search_fold || ' zorg' || lower(hex(m.originator)) ||
       COALESCE((SELECT ' ' || group_concat('zrcp' || lower(hex(r.recipient)), ' ')
                 FROM message_recipients r WHERE r.message_id = m.id), '')
FROM messages m;
CREATE TABLE message_search_state (id INTEGER PRIMARY KEY CHECK (id = 1), indexed_rowid INTEGER NOT NULL);
INSERT INTO message_search_state (id, indexed_rowid) VALUES (1, COALESCE((SELECT MAX(rowid) FROM messages), 0));
CREATE TABLE message_search_dirty (message_id TEXT PRIMARY KEY);
