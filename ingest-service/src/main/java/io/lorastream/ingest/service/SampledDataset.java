package io.lorastream.ingest.service;

import io.lorastream.contracts.DatasetSealed;
import io.lorastream.contracts.PromptRecord;
import io.lorastream.contracts.Split;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The records of a dataset in (split, index) order, ready to publish, with what {@link DatasetSealed}
 * announces about them.
 *
 * @param counts split → label → records
 * @param sha256 {@code Digests.datasetSha256} over the records
 * @param warnings e.g. a split that had fewer valid examples than requested
 */
public record SampledDataset(String datasetId, List<PromptRecord> records, Map<Split, Map<String, Long>> counts,
        String sha256, List<String> warnings) {

    public DatasetSealed sealed(SourceRef source, Instant at) {
        return DatasetSealed.of(datasetId, counts, records.size(), sha256, source.describe(), at);
    }
}
