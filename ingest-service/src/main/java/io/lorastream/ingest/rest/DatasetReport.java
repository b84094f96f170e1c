package io.lorastream.ingest.rest;

import io.lorastream.ingest.domain.Dataset;
import io.lorastream.ingest.domain.DatasetReject;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /datasets/{id}}: what was read, what was rejected (each row with line and reason), what
 * was published, and how far the ingest has come.
 *
 * @param rowsRead split → input rows read
 * @param available split → label → valid examples before sampling
 * @param counts split → label → records published
 * @param rejectsByReason exact counts; {@code rejects} lists rows up to the configured cap ({@code rejectsTruncated})
 */
public record DatasetReport(
        String id,
        String status,
        Source source,
        Map<String, Object> parameters,
        Map<String, Long> rowsRead,
        Map<String, Map<String, Long>> available,
        Map<String, Map<String, Long>> counts,
        Long recordCount,
        String sha256,
        long rejected,
        Map<String, Long> rejectsByReason,
        boolean rejectsTruncated,
        List<Rejected> rejects,
        List<String> warnings,
        Progress progress,
        String error,
        int attempts,
        Instant createdAt,
        Instant startedAt,
        Instant updatedAt,
        Instant sealedAt) {

    public record Source(String kind, String location) {}

    /** One rejected row: 1-based line in its file (uploads: where the row starts). */
    public record Rejected(String split, long line, String reason, String detail) {}

    /** Percent: reading is the first half (by bytes), publishing the second (by records). */
    public record Progress(String phase, double percent, double perSecond, long rowsRead, long bytesRead,
            long bytesTotal, long recordsPublished, long recordsTotal) {}

    static DatasetReport of(Dataset d, List<DatasetReject> rejects) {
        return new DatasetReport(d.id, d.status.name(), new Source(d.sourceKind, d.source), d.parameters,
                orEmpty(d.rowsRead), orEmpty(d.available), orEmpty(d.counts), d.recordCount, d.sha256,
                d.rejectedCount, orEmpty(d.rejectsByReason), d.rejectsTruncated,
                rejects.stream().map(r -> new Rejected(r.split, r.lineNumber, r.reason, r.detail)).toList(),
                d.warnings == null ? List.of() : d.warnings,
                new Progress(d.phase, d.percent, d.perSecond, d.rowsReadTotal, d.bytesRead, d.bytesTotal,
                        d.recordsPublished, d.recordsTotal),
                d.error, d.attempts, d.createdAt, d.startedAt, d.updatedAt, d.sealedAt);
    }

    private static <K, V> Map<K, V> orEmpty(Map<K, V> m) {
        return m == null ? Map.of() : m;
    }
}
