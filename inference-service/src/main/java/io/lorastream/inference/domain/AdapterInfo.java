package io.lorastream.inference.domain;

import io.lorastream.contracts.CheckpointMetrics;
import java.time.Instant;

/** A registry row as the API shows it (an immutable snapshot; the entity stays inside transactions). */
public record AdapterInfo(
        String ref,
        String adapterId,
        int version,
        AdapterStatus status,
        String reason,
        AdapterSource source,
        String runId,
        Integer step,
        Boolean finalCheckpoint,
        String baseModelId,
        String baseModelSha256,
        String uri,
        String resolvedUri,
        String sha256,
        String localPath,
        CheckpointMetrics metrics,
        Instant registeredAt,
        Instant loadedAt,
        Instant activatedAt,
        Double loadMs) {

    public static AdapterInfo of(RegisteredAdapter a) {
        return new AdapterInfo(a.ref().toString(), a.adapterId, a.version, a.status, a.reason, a.source, a.runId,
                a.step, a.finalCheckpoint, a.baseModelId, a.baseModelSha256, a.uri, a.resolvedUri, a.sha256, a.localPath,
                new CheckpointMetrics(a.trainLoss, a.validationLoss, a.accuracy, a.macroRecall, a.macroF1, a.lossOn),
                a.registeredAt, a.loadedAt, a.activatedAt, a.loadMs);
    }

    public AdapterRef adapterRef() {
        return new AdapterRef(adapterId, version);
    }
}
