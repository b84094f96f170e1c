package io.lorastream.trainer.domain;

/** Where a training run stands. */
public enum RunStatus {
    /** Requested for a dataset that is not complete yet. */
    WAITING_FOR_DATASET,
    /** Waiting for the worker. */
    QUEUED,
    RUNNING,
    COMPLETED,
    FAILED,
    CANCELLED;

    public boolean isFinished() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
