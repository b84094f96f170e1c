package io.lorastream.inference.service;

/** An adapter failed fetching or verification; the message is the reason the registry records. */
public class AdapterRejectedException extends RuntimeException {
    public AdapterRejectedException(String reason) {
        super(reason);
    }

    public AdapterRejectedException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
