-- Direct channels for legal assistance between border-area offices, from
-- the configuration; a request sent through one names the office asked.
CREATE TABLE legal_channels (
    office_a TEXT NOT NULL,
    office_b TEXT NOT NULL,
    PRIMARY KEY (office_a, office_b)
);
ALTER TABLE legal_requests ADD COLUMN requested_office TEXT;
