package io.lorastream.trainer.service;

/** A Hugging Face Hub request that failed for good: its message names the model and file, never the token. */
public class HubException extends RuntimeException {
    private final int status;

    public HubException(String message, int status) {
        super(message);
        this.status = status;
    }

    public HubException(String message, Throwable cause) {
        super(message, cause);
        this.status = -1;
    }

    /** HTTP status of the failing response, -1 when none came back (network, verification). */
    public int status() {
        return status;
    }
}
