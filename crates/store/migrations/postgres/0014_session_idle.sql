-- When a session was last used (Unix seconds; 0 for sessions from before):
-- a session unused for the idle timeout ends, whatever its absolute end.
ALTER TABLE sessions ADD COLUMN last_seen BIGINT NOT NULL DEFAULT 0;
