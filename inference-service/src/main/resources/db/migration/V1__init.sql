-- placeholder schema; the inference issue owns its tables
CREATE TABLE IF NOT EXISTS inference_meta (key VARCHAR(64) PRIMARY KEY, value VARCHAR(255));
