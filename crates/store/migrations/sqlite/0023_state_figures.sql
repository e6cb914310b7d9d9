-- Each state's yearly figures by category, as it reports them; a new
-- report of the same cell replaces the earlier one (the version counts).
CREATE TABLE state_figures (
    state_code TEXT NOT NULL,
    year BIGINT NOT NULL,
    category TEXT NOT NULL,
    -- The substance of a seizure figure; empty for the others.
    substance TEXT NOT NULL,
    value BIGINT NOT NULL,
    source TEXT NOT NULL,
    reported_by TEXT NOT NULL,
    authority TEXT NOT NULL,
    reported_at TEXT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (state_code, year, category, substance)
);
