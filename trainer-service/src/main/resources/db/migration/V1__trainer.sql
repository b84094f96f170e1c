-- trainer-service schema: datasets received from Kafka, training runs, their steps and checkpoints.

-- A DatasetSealed message; status SEALED until every record has arrived and the digest matches.
CREATE TABLE dataset (
    dataset_id    VARCHAR(200) PRIMARY KEY,
    record_count  BIGINT       NOT NULL,
    sha256        VARCHAR(64)  NOT NULL,
    counts_json   TEXT         NOT NULL,
    source        TEXT         NOT NULL,
    template_id   VARCHAR(100) NOT NULL,
    sealed_at     TIMESTAMPTZ,
    received_at   TIMESTAMPTZ  NOT NULL,
    status        VARCHAR(20)  NOT NULL,  -- SEALED, COMPLETE, INVALID
    problem       TEXT,
    seal_payload  TEXT         NOT NULL,  -- the DatasetSealed message, dead-lettered if the records contradict it
    seal_source   VARCHAR(300) NOT NULL
);

-- Prompt records as received (contract JSON), kept so that a restart loses nothing.
CREATE TABLE prompt_record (
    id            BIGSERIAL    PRIMARY KEY,
    dataset_id    VARCHAR(200) NOT NULL,
    split         VARCHAR(20)  NOT NULL,
    idx           INTEGER      NOT NULL,
    payload       TEXT         NOT NULL,
    source        VARCHAR(300) NOT NULL,  -- topic/partition/offset, for the dead-letter header
    received_at   TIMESTAMPTZ  NOT NULL,
    CONSTRAINT prompt_record_key UNIQUE (dataset_id, split, idx)
);

CREATE TABLE training_run (
    id                  VARCHAR(64)  PRIMARY KEY,
    request_id          VARCHAR(200) NOT NULL UNIQUE,
    dataset_id          VARCHAR(200) NOT NULL,
    base_model          TEXT         NOT NULL,
    base_model_sha256   VARCHAR(64),
    hyper_parameters    TEXT         NOT NULL,  -- HyperParameters as contract JSON
    adapter_id          VARCHAR(200) NOT NULL,
    status              VARCHAR(30)  NOT NULL,  -- WAITING_FOR_DATASET, QUEUED, RUNNING, COMPLETED, FAILED, CANCELLED
    cause               TEXT,
    cancel_requested    BOOLEAN      NOT NULL DEFAULT FALSE,
    device              VARCHAR(40),
    train_records       INTEGER,
    validation_records  INTEGER,
    completed_steps     INTEGER      NOT NULL DEFAULT 0,
    max_steps           INTEGER      NOT NULL,
    resume_count        INTEGER      NOT NULL DEFAULT 0,
    resumed_from_step   INTEGER,
    created_at          TIMESTAMPTZ  NOT NULL,
    started_at          TIMESTAMPTZ,
    finished_at         TIMESTAMPTZ
);
CREATE INDEX training_run_status ON training_run (status, created_at);
CREATE INDEX training_run_dataset ON training_run (dataset_id);

-- One row per optimizer step: the loss curve.
CREATE TABLE run_step (
    id                 BIGSERIAL   PRIMARY KEY,
    run_id             VARCHAR(64) NOT NULL REFERENCES training_run (id) ON DELETE CASCADE,
    step               INTEGER     NOT NULL,
    loss               DOUBLE PRECISION,
    learning_rate      DOUBLE PRECISION NOT NULL,
    grad_norm          DOUBLE PRECISION,
    tokens             INTEGER     NOT NULL,
    seconds            DOUBLE PRECISION NOT NULL,
    skipped            BOOLEAN     NOT NULL,
    recorded_at        TIMESTAMPTZ NOT NULL,
    CONSTRAINT run_step_key UNIQUE (run_id, step)
);

-- A saved adapter (PEFT files + trainer state) with its validation metrics.
CREATE TABLE checkpoint (
    id                 BIGSERIAL    PRIMARY KEY,
    run_id             VARCHAR(64)  NOT NULL REFERENCES training_run (id) ON DELETE CASCADE,
    adapter_id         VARCHAR(200) NOT NULL,
    version            INTEGER      NOT NULL,
    step               INTEGER      NOT NULL,
    final_checkpoint   BOOLEAN      NOT NULL,
    adapter_uri        TEXT         NOT NULL,
    adapter_sha256     VARCHAR(64)  NOT NULL,
    base_model_id      TEXT         NOT NULL,
    base_model_sha256  VARCHAR(64)  NOT NULL,
    train_loss         DOUBLE PRECISION,
    validation_loss    DOUBLE PRECISION,
    accuracy           DOUBLE PRECISION,
    macro_recall       DOUBLE PRECISION,
    macro_f1           DOUBLE PRECISION,
    loss_on            VARCHAR(20)  NOT NULL,
    published          BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at         TIMESTAMPTZ  NOT NULL,
    CONSTRAINT checkpoint_version UNIQUE (adapter_id, version)
);
CREATE INDEX checkpoint_run ON checkpoint (run_id, step);
