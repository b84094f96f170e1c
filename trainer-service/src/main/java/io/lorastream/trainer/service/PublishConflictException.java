package io.lorastream.trainer.service;

/**
 * A publication that cannot start in the checkpoint's current state (no final checkpoint yet, one already
 * under way, files changed since the checkpoint): a 409 over REST.
 */
public class PublishConflictException extends RuntimeException {
    public PublishConflictException(String message) {
        super(message);
    }
}
