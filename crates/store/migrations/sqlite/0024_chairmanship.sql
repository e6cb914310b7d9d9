-- The yearly rotation of the chairmanship, from the configuration.
CREATE TABLE chair_rotation (
    position BIGINT PRIMARY KEY,
    state_code TEXT NOT NULL
);
ALTER TABLE organization ADD COLUMN chair_first_year BIGINT;
