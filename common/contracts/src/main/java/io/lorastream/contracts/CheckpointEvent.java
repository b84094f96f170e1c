package io.lorastream.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A saved adapter, on {@link Topics#CHECKPOINTS} keyed by {@code adapterId}. Inference fetches
 * {@code adapterUri}, checks {@code adapterSha256} and that {@code baseModelSha256} is the model it
 * serves, and may hot-swap it in.
 *
 * @param adapterUri {@code file:}, {@code http(s):} or {@code hf://} URI of the PEFT adapter folder
 * @param format always {@code peft}: {@code adapter_config.json} + {@code adapter_model.safetensors}
 */
public record CheckpointEvent(
        int schemaVersion,
        String runId,
        String adapterId,
        int version,
        int step,
        @JsonProperty("final") boolean finalCheckpoint,
        String baseModelId,
        String baseModelSha256,
        String adapterUri,
        String adapterSha256,
        String format,
        CheckpointMetrics metrics,
        Instant createdAt) {

    public static final String FORMAT_PEFT = "peft";
    private static final String TYPE = "CheckpointEvent";

    public CheckpointEvent {
        Contract.version(schemaVersion, TYPE);
        Contract.requiredText(runId, TYPE, "runId");
        Contract.requiredText(adapterId, TYPE, "adapterId");
        if (version < 1) {
            throw new ContractException(TYPE + ": version must be >= 1, was " + version);
        }
        Contract.requiredText(baseModelId, TYPE, "baseModelId");
        Contract.requiredText(baseModelSha256, TYPE, "baseModelSha256");
        Contract.requiredText(adapterUri, TYPE, "adapterUri");
        Contract.requiredText(adapterSha256, TYPE, "adapterSha256");
        format = format == null ? FORMAT_PEFT : format;
        if (!FORMAT_PEFT.equals(format)) {
            throw new ContractException(TYPE + ": unsupported adapter format '" + format + "' (only peft)");
        }
        metrics = metrics == null ? new CheckpointMetrics(null, null, null, null, null, null) : metrics;
    }

    public static CheckpointEvent of(String runId, String adapterId, int version, int step, boolean finalCheckpoint,
            String baseModelId, String baseModelSha256, String adapterUri, String adapterSha256,
            CheckpointMetrics metrics) {
        return new CheckpointEvent(Contract.SCHEMA_VERSION, runId, adapterId, version, step, finalCheckpoint,
                baseModelId, baseModelSha256, adapterUri, adapterSha256, FORMAT_PEFT, metrics, Instant.now());
    }

    /** {@code adapterId@version}, the name results carry. */
    public String adapterRef() {
        return adapterId + "@" + version;
    }
}
