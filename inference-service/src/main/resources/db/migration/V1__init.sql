-- The adapter registry: every adapter this service has heard of, with its verification outcome,
-- metrics and serving status. Exactly one row at most is ACTIVE; none means the base model serves.
CREATE TABLE adapter (
    id                BIGSERIAL PRIMARY KEY,
    adapter_id        VARCHAR(200)  NOT NULL,
    version           INTEGER       NOT NULL,
    status            VARCHAR(16)   NOT NULL,
    reason            TEXT,
    source            VARCHAR(16)   NOT NULL,
    run_id            VARCHAR(200),
    step              INTEGER,
    final_checkpoint  BOOLEAN,
    base_model_id     VARCHAR(400),
    base_model_sha256 VARCHAR(64),
    uri               TEXT          NOT NULL,
    sha256            VARCHAR(64),
    local_path        TEXT,
    train_loss        DOUBLE PRECISION,
    validation_loss   DOUBLE PRECISION,
    accuracy          DOUBLE PRECISION,
    macro_recall      DOUBLE PRECISION,
    macro_f1          DOUBLE PRECISION,
    loss_on           VARCHAR(16),
    registered_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    loaded_at         TIMESTAMP WITH TIME ZONE,
    activated_at      TIMESTAMP WITH TIME ZONE,
    load_ms           DOUBLE PRECISION,
    CONSTRAINT adapter_ref_unique UNIQUE (adapter_id, version),
    CONSTRAINT adapter_status_known CHECK (status IN ('REGISTERED', 'LOADING', 'ACTIVE', 'LOADED', 'STANDBY', 'REJECTED'))
);

CREATE UNIQUE INDEX adapter_one_active ON adapter (status) WHERE status = 'ACTIVE';
CREATE INDEX adapter_activated_at ON adapter (activated_at) WHERE activated_at IS NOT NULL;
