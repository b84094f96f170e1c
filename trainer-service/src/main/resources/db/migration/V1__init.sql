-- placeholder schema; the trainer issue owns its tables
CREATE TABLE IF NOT EXISTS trainer_meta (key VARCHAR(64) PRIMARY KEY, value VARCHAR(255));
