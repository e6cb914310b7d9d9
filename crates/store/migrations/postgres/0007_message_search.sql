-- Full-text search over messages. Each document holds the message's folded
-- subject and body plus one token for its originator and one per addressee
-- (hex of the id), so that "my inbox AND these words" is one index query.
CREATE TABLE message_search (
    message_id TEXT PRIMARY KEY REFERENCES messages(id),
    created_at TEXT NOT NULL,
    doc tsvector NOT NULL
);
CREATE INDEX message_search_doc ON message_search USING GIN (doc);
INSERT INTO message_search (message_id, created_at, doc)
SELECT m.id, m.created_at,
       to_tsvector('simple', m.search_fold || ' zorg' || encode(convert_to(m.originator, 'UTF8'), 'hex') ||
       COALESCE((SELECT ' ' || string_agg('zrcp' || encode(convert_to(r.recipient, 'UTF8'), 'hex'), ' ')
                 FROM message_recipients r WHERE r.message_id = m.id), ''))
FROM messages m;
