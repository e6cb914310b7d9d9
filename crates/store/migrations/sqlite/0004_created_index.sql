CREATE INDEX records_created ON records (created_at, id);
