package io.lorastream.ingest.service;

/** No dataset has this id (a 404). */
public class DatasetNotFoundException extends RuntimeException {
    public DatasetNotFoundException(String id) {
        super("no dataset with id '" + id + "'");
    }
}
