-- The latest publication of a checkpoint's adapter to the Hugging Face Hub (POST /runs/{id}/publish).
-- hub_status: PUBLISHING while the upload runs, PUBLISHED only once the Hub confirmed the commit (then
-- hub_commit, hub_uri, hub_adapter_sha256 and hub_published_at are set), FAILED with the HubException kind
-- and message. A new attempt replaces the previous one's record.
ALTER TABLE checkpoint ADD COLUMN hub_status         VARCHAR(20);
ALTER TABLE checkpoint ADD COLUMN hub_repo           VARCHAR(200);
ALTER TABLE checkpoint ADD COLUMN hub_revision       VARCHAR(255);
ALTER TABLE checkpoint ADD COLUMN hub_private        BOOLEAN;
ALTER TABLE checkpoint ADD COLUMN hub_commit         VARCHAR(40);
ALTER TABLE checkpoint ADD COLUMN hub_uri            TEXT;
ALTER TABLE checkpoint ADD COLUMN hub_adapter_sha256 VARCHAR(64);
ALTER TABLE checkpoint ADD COLUMN hub_error_kind     VARCHAR(30);
ALTER TABLE checkpoint ADD COLUMN hub_error          TEXT;
ALTER TABLE checkpoint ADD COLUMN hub_attempted_at   TIMESTAMPTZ;
ALTER TABLE checkpoint ADD COLUMN hub_published_at   TIMESTAMPTZ;
