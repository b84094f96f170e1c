package io.lorastream.ingest.domain;

/** Lifecycle of a dataset: queued, running, then sealed (records and DatasetSealed published) or failed. */
public enum DatasetStatus {
    QUEUED, RUNNING, SEALED, FAILED;

    /** Queued or running: a second request for the same dataset joins it instead of starting another. */
    public boolean active() {
        return this == QUEUED || this == RUNNING;
    }
}
