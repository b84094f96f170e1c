package io.lorastream.inference.domain;

/** How an adapter reached the registry. */
public enum AdapterSource {
    /** A CheckpointEvent on lorastream.checkpoints. */
    CHECKPOINT,
    /** POST /adapters. */
    API
}
