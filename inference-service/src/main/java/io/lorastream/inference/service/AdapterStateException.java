package io.lorastream.inference.service;

/** The request does not fit the adapter's state: rejected, still loading, nothing to roll back to (REST: 409). */
public class AdapterStateException extends RuntimeException {
    public AdapterStateException(String message) {
        super(message);
    }
}
