package io.lorastream.inference.domain;

/**
 * Where an adapter stands in the registry.
 *
 * <pre>
 * REGISTERED → LOADING → ACTIVE ⇄ LOADED → STANDBY
 *                      ↘ STANDBY (verified; policy did not activate it)
 *                      ↘ REJECTED (reason says why; never served)
 * </pre>
 */
public enum AdapterStatus {
    /** Known from a checkpoint event or POST /adapters; not fetched yet. */
    REGISTERED,
    /** Being fetched, verified and loaded in the background. */
    LOADING,
    /** Serving the stream and unpinned REST requests. */
    ACTIVE,
    /** In memory (one of the last K), ready for instant rollback or pinning. */
    LOADED,
    /** Verified and cached on disk, not in memory; activation reloads it. */
    STANDBY,
    /** Failed fetch or verification; {@code reason} says why. */
    REJECTED;

    public boolean inMemory() {
        return this == ACTIVE || this == LOADED;
    }
}
