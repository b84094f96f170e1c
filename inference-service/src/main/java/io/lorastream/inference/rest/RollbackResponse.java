package io.lorastream.inference.rest;

/** POST /adapters/rollback: the adapter (or {@code base}) that serves now, and the one it replaced. */
public record RollbackResponse(String active, String rolledBackFrom) {}
