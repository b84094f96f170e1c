package io.lorastream.trainer.service;

/** Input that goes to the dead-letter topic of {@code received.topic()} with {@code reason}. */
public record Rejection(Received received, String reason) {}
