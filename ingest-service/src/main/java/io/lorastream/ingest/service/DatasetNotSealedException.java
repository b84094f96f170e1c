package io.lorastream.ingest.service;

import io.lorastream.ingest.domain.DatasetStatus;

/** The dataset exists but is not sealed, so it cannot be trained on yet (a 409). */
public class DatasetNotSealedException extends RuntimeException {
    public DatasetNotSealedException(String id, DatasetStatus status) {
        super("dataset " + id + " is " + status + "; a training request needs a SEALED dataset"
                + (status == DatasetStatus.FAILED ? " (start the ingest again to retry it)" : " (try again when it is sealed)"));
    }
}
