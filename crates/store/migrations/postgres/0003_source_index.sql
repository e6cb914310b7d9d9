CREATE INDEX records_source_any ON records (source_id);
