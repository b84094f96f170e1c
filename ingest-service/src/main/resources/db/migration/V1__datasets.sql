-- ingest-service schema. Flyway runs this inside the schema named by quarkus.flyway.schemas (default
-- "ingest"), so the three services could share one database without their tables colliding.

CREATE TABLE dataset (
    id                VARCHAR(64)   PRIMARY KEY,           -- ds-<20 hex>: derived from source + parameters
    source_kind       VARCHAR(16)   NOT NULL,              -- dir | url | upload
    source            VARCHAR(2048) NOT NULL,
    parameters        JSONB         NOT NULL,              -- splits, sizes, all, stratified, seed, maxChars
    status            VARCHAR(16)   NOT NULL,              -- QUEUED | RUNNING | SEALED | FAILED
    phase             VARCHAR(16)   NOT NULL,              -- QUEUED | READING | PUBLISHING | SEALING | SEALED | FAILED
    rows_read         JSONB,                               -- split -> rows read
    available         JSONB,                               -- split -> label -> valid examples
    counts            JSONB,                               -- split -> label -> published records
    record_count      BIGINT,
    rejected_count    BIGINT        NOT NULL DEFAULT 0,
    rejects_by_reason JSONB,                               -- reason -> rows
    rejects_truncated BOOLEAN       NOT NULL DEFAULT FALSE,
    warnings          JSONB,
    sha256            VARCHAR(64),
    error             VARCHAR(2000),
    percent           DOUBLE PRECISION NOT NULL DEFAULT 0,
    per_second        DOUBLE PRECISION NOT NULL DEFAULT 0,
    rows_read_total   BIGINT        NOT NULL DEFAULT 0,
    bytes_read        BIGINT        NOT NULL DEFAULT 0,
    bytes_total       BIGINT        NOT NULL DEFAULT -1,
    records_published BIGINT        NOT NULL DEFAULT 0,
    records_total     BIGINT        NOT NULL DEFAULT 0,
    attempts          INTEGER       NOT NULL DEFAULT 1,
    created_at        TIMESTAMPTZ   NOT NULL,
    started_at        TIMESTAMPTZ,
    updated_at        TIMESTAMPTZ   NOT NULL,
    sealed_at         TIMESTAMPTZ
);

CREATE INDEX dataset_created_at ON dataset (created_at DESC);

-- One row per rejected input row (up to lorastream.ingest.max-stored-rejects per dataset; the counts in
-- dataset.rejects_by_reason are always exact).
CREATE SEQUENCE dataset_reject_seq INCREMENT BY 50;

CREATE TABLE dataset_reject (
    id          BIGINT       PRIMARY KEY,
    dataset_id  VARCHAR(64)  NOT NULL REFERENCES dataset (id) ON DELETE CASCADE,
    split       VARCHAR(16)  NOT NULL,
    line_number BIGINT       NOT NULL,
    reason      VARCHAR(32)  NOT NULL,
    detail      VARCHAR(400) NOT NULL
);

CREATE INDEX dataset_reject_dataset ON dataset_reject (dataset_id, id);
