-- placeholder schema; the ingest issue owns its tables
CREATE TABLE IF NOT EXISTS ingest_meta (key VARCHAR(64) PRIMARY KEY, value VARCHAR(255));
