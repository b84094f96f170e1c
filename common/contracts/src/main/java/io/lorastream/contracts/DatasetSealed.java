package io.lorastream.contracts;

import java.time.Instant;
import java.util.Map;

/**
 * Published on {@link Topics#DATASETS} after the last {@link PromptRecord} of a dataset. Consumers know
 * the dataset is complete once they hold {@code recordCount} records whose digest equals {@code sha256}
 * (see {@link Digests#datasetSha256}).
 *
 * @param counts split → label → number of records
 */
public record DatasetSealed(
        int schemaVersion,
        String datasetId,
        Map<Split, Map<String, Long>> counts,
        long recordCount,
        String sha256,
        String source,
        String templateId,
        Instant sealedAt) {

    private static final String TYPE = "DatasetSealed";

    public DatasetSealed {
        Contract.version(schemaVersion, TYPE);
        Contract.requiredText(datasetId, TYPE, "datasetId");
        counts = Map.copyOf(Contract.required(counts, TYPE, "counts"));
        Contract.requiredText(sha256, TYPE, "sha256");
        Contract.required(source, TYPE, "source");
        Contract.requiredText(templateId, TYPE, "templateId");
    }

    public static DatasetSealed of(String datasetId, Map<Split, Map<String, Long>> counts, long recordCount,
            String sha256, String source, Instant sealedAt) {
        return new DatasetSealed(Contract.SCHEMA_VERSION, datasetId, counts, recordCount, sha256, source,
                PromptTemplate.ID, sealedAt);
    }

    public long count(Split split) {
        return counts.getOrDefault(split, Map.of()).values().stream().mapToLong(Long::longValue).sum();
    }
}
