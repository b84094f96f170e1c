package io.lorastream.trainer.service;

/** An operation on a run that has already ended (completed, failed or cancelled): a 409 over REST. */
public class RunFinishedException extends RuntimeException {
    public RunFinishedException(String message) {
        super(message);
    }
}
