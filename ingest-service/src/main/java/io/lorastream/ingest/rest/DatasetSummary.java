package io.lorastream.ingest.rest;

import io.lorastream.ingest.domain.Dataset;
import java.time.Instant;

/** One line of {@code GET /datasets}. */
public record DatasetSummary(String id, String status, String source, Long recordCount, long rejected, double percent,
        Instant createdAt, Instant sealedAt) {

    static DatasetSummary of(Dataset d) {
        return new DatasetSummary(d.id, d.status.name(), d.sourceKind + ":" + d.source, d.recordCount, d.rejectedCount,
                d.percent, d.createdAt, d.sealedAt);
    }
}
