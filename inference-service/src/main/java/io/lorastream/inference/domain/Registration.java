package io.lorastream.inference.domain;

import io.lorastream.contracts.CheckpointEvent;
import io.lorastream.contracts.CheckpointMetrics;

/**
 * What is known about an adapter when it is announced: by a checkpoint event (everything declared)
 * or by POST /adapters (the URI, the rest optional).
 *
 * @param sha256 declared adapter digest; null = compute it on fetch and trust the operator
 * @param baseModelSha256 declared base model digest; null = not checked (the shapes still are)
 */
public record Registration(
        AdapterRef ref,
        AdapterSource source,
        String uri,
        String sha256,
        String baseModelId,
        String baseModelSha256,
        String runId,
        Integer step,
        Boolean finalCheckpoint,
        CheckpointMetrics metrics) {

    public Registration {
        metrics = metrics == null ? new CheckpointMetrics(null, null, null, null, null, null) : metrics;
    }

    public static Registration of(CheckpointEvent e) {
        return new Registration(new AdapterRef(e.adapterId(), e.version()), AdapterSource.CHECKPOINT, e.adapterUri(),
                e.adapterSha256(), e.baseModelId(), e.baseModelSha256(), e.runId(), e.step(), e.finalCheckpoint(),
                e.metrics());
    }
}
