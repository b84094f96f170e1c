package io.lorastream.ingest.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Sort;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One ingest of a source with given parameters, and its report: counts per split and label, rejects,
 * progress. The id is derived from source + parameters, so it doubles as the idempotency key.
 */
@Entity
@Table(name = "dataset")
public class Dataset extends PanacheEntityBase {
    @Id
    public String id;

    @Column(name = "source_kind", nullable = false)
    public String sourceKind;

    @Column(nullable = false)
    public String source;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, Object> parameters;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public DatasetStatus status;

    @Column(nullable = false)
    public String phase;

    /** split → rows read from the source. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "rows_read")
    public Map<String, Long> rowsRead;

    /** split → label → valid examples before sampling. */
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Map<String, Long>> available;

    /** split → label → records published. */
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Map<String, Long>> counts;

    @Column(name = "record_count")
    public Long recordCount;

    @Column(name = "rejected_count", nullable = false)
    public long rejectedCount;

    /** reason → rejected rows (exact, even when the stored rejects are cut). */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "rejects_by_reason")
    public Map<String, Long> rejectsByReason;

    @Column(name = "rejects_truncated", nullable = false)
    public boolean rejectsTruncated;

    @JdbcTypeCode(SqlTypes.JSON)
    public List<String> warnings;

    public String sha256;

    public String error;

    @Column(nullable = false)
    public double percent;

    @Column(name = "per_second", nullable = false)
    public double perSecond;

    @Column(name = "rows_read_total", nullable = false)
    public long rowsReadTotal;

    @Column(name = "bytes_read", nullable = false)
    public long bytesRead;

    @Column(name = "bytes_total", nullable = false)
    public long bytesTotal = -1;

    @Column(name = "records_published", nullable = false)
    public long recordsPublished;

    @Column(name = "records_total", nullable = false)
    public long recordsTotal;

    @Column(nullable = false)
    public int attempts = 1;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "sealed_at")
    public Instant sealedAt;

    /** Newest first, optionally only those with a status. */
    public static List<Dataset> listNewest(DatasetStatus status, int limit) {
        Sort newest = Sort.descending("createdAt");
        return (status == null ? Dataset.<Dataset>findAll(newest) : Dataset.<Dataset>find("status", newest, status))
                .page(0, limit).list();
    }

    /** Back to the queue for another attempt, forgetting the failed one's results. */
    public void resetForRetry(Instant now) {
        status = DatasetStatus.QUEUED;
        phase = "QUEUED";
        rowsRead = null;
        available = null;
        counts = null;
        recordCount = null;
        rejectedCount = 0;
        rejectsByReason = null;
        rejectsTruncated = false;
        warnings = null;
        sha256 = null;
        error = null;
        percent = 0;
        perSecond = 0;
        rowsReadTotal = 0;
        bytesRead = 0;
        bytesTotal = -1;
        recordsPublished = 0;
        recordsTotal = 0;
        attempts++;
        startedAt = null;
        sealedAt = null;
        updatedAt = now;
    }
}
