package io.lorastream.contracts;

import java.time.Instant;

/**
 * Asks the trainer to fine-tune on a sealed dataset, on {@link Topics#TRAINING_REQUESTS} keyed by
 * {@code datasetId}.
 *
 * @param baseModel a local folder or a Hugging Face model id; null for the trainer's configured default
 */
public record TrainingRequest(
        int schemaVersion,
        String requestId,
        String datasetId,
        String baseModel,
        HyperParameters hyperParameters,
        Instant requestedAt) {

    private static final String TYPE = "TrainingRequest";

    public TrainingRequest {
        Contract.version(schemaVersion, TYPE);
        Contract.requiredText(requestId, TYPE, "requestId");
        Contract.requiredText(datasetId, TYPE, "datasetId");
        hyperParameters = hyperParameters == null ? HyperParameters.defaults() : hyperParameters;
    }

    public static TrainingRequest of(String requestId, String datasetId, String baseModel, HyperParameters hp) {
        return new TrainingRequest(Contract.SCHEMA_VERSION, requestId, datasetId, baseModel, hp, Instant.now());
    }
}
