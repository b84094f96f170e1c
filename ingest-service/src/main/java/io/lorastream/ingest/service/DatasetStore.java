package io.lorastream.ingest.service;

import io.lorastream.contracts.Split;
import io.lorastream.ingest.domain.Dataset;
import io.lorastream.ingest.domain.DatasetReject;
import io.lorastream.ingest.domain.DatasetStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every database change of an ingest, one short transaction each, callable from the worker threads.
 * Progress is written with a targeted update that only touches progress columns of a running dataset.
 */
@ApplicationScoped
public class DatasetStore {

    /** The outcome of asking for a dataset: {@code start} when this caller must run the ingest. */
    public record Claim(Dataset dataset, boolean start) {}

    /**
     * Creates the dataset, or returns the existing one: a sealed or active dataset is returned as it is
     * (no second ingest, no duplicate records); a failed one is reset for another attempt.
     */
    @Transactional
    public Claim claim(String id, SourceRef source, IngestParameters parameters) {
        Instant now = Instant.now();
        Dataset d = Dataset.findById(id, LockModeType.PESSIMISTIC_WRITE);
        if (d != null) {
            if (d.status != DatasetStatus.FAILED) {
                return new Claim(d, false);
            }
            DatasetReject.deleteOfDataset(id);
            d.resetForRetry(now);
            return new Claim(d, true);
        }
        d = new Dataset();
        d.id = id;
        d.sourceKind = source.kind().wireName();
        d.source = source.location();
        d.parameters = parametersView(parameters);
        d.status = DatasetStatus.QUEUED;
        d.phase = IngestProgress.Phase.QUEUED.name();
        d.createdAt = now;
        d.updatedAt = now;
        d.persistAndFlush(); // a concurrent insert of the same id fails here, as a PersistenceException
        return new Claim(d, true);
    }

    @Transactional
    public void running(String id) {
        Dataset d = require(id);
        d.status = DatasetStatus.RUNNING;
        d.startedAt = Instant.now();
        d.updatedAt = d.startedAt;
    }

    /** Rows read, valid examples per label, and the rejects (up to the cap; counts exact). */
    @Transactional
    public void saveRead(String id, ExampleSet set) {
        Dataset d = require(id);
        Map<String, Long> rows = new LinkedHashMap<>();
        set.rowsRead().forEach((split, n) -> rows.put(split.wireName(), n));
        d.rowsRead = rows;
        d.available = bySplit(set.available());
        d.rejectedCount = set.rejects().total();
        Map<String, Long> reasons = new LinkedHashMap<>();
        set.rejects().counts().forEach((reason, n) -> reasons.put(reason.name(), n));
        d.rejectsByReason = reasons;
        d.rejectsTruncated = set.rejects().truncated();
        d.warnings = new ArrayList<>(set.warnings());
        d.updatedAt = Instant.now();
        for (Reject r : set.rejects().rejects()) {
            DatasetReject row = new DatasetReject();
            row.datasetId = id;
            row.split = r.split().wireName();
            row.lineNumber = r.line();
            row.reason = r.reason().name();
            row.detail = r.detail();
            row.persist();
        }
    }

    /** What is about to be published: counts, digest, warnings. */
    @Transactional
    public void savePlan(String id, SampledDataset ds) {
        Dataset d = require(id);
        d.counts = bySplit(ds.counts());
        d.recordCount = (long) ds.records().size();
        d.sha256 = ds.sha256();
        d.warnings = new ArrayList<>(ds.warnings());
        d.updatedAt = Instant.now();
    }

    @Transactional
    public void progress(String id, IngestProgress.Snapshot s) {
        Dataset.update("phase = ?1, percent = ?2, perSecond = ?3, rowsReadTotal = ?4, bytesRead = ?5, bytesTotal = ?6, "
                        + "recordsPublished = ?7, recordsTotal = ?8, updatedAt = ?9 where id = ?10 and status = ?11",
                s.phase().name(), s.percent(), s.perSecond(), s.rowsRead(), s.bytesRead(), s.bytesTotal(),
                s.recordsPublished(), s.recordsTotal(), Instant.now(), id, DatasetStatus.RUNNING);
    }

    @Transactional
    public void sealed(String id, Instant sealedAt, IngestProgress.Snapshot last) {
        Dataset d = require(id);
        apply(d, last);
        d.status = DatasetStatus.SEALED;
        d.percent = 100;
        d.sealedAt = sealedAt;
    }

    @Transactional
    public void failed(String id, String error, IngestProgress.Snapshot last) {
        Dataset d = Dataset.findById(id);
        if (d == null) {
            return;
        }
        apply(d, last);
        d.status = DatasetStatus.FAILED;
        d.error = error.length() > 2000 ? error.substring(0, 1997) + "..." : error;
    }

    /** At start-up: ingests that were queued or running when the service stopped will not resume. */
    @Transactional
    public int failInterrupted() {
        return Dataset.update("status = ?1, phase = ?2, error = ?3, updatedAt = ?4 where status in ?5",
                DatasetStatus.FAILED, IngestProgress.Phase.FAILED.name(),
                "interrupted: the service stopped during the ingest; start it again to retry",
                Instant.now(), List.of(DatasetStatus.QUEUED, DatasetStatus.RUNNING));
    }

    @Transactional
    public Optional<Dataset> find(String id) {
        return Dataset.findByIdOptional(id);
    }

    @Transactional
    public List<DatasetReject> rejects(String id) {
        return DatasetReject.ofDataset(id);
    }

    @Transactional
    public List<Dataset> list(DatasetStatus status, int limit) {
        return Dataset.listNewest(status, limit);
    }

    private static Dataset require(String id) {
        Dataset d = Dataset.findById(id);
        if (d == null) {
            throw new DatasetNotFoundException(id);
        }
        return d;
    }

    private static void apply(Dataset d, IngestProgress.Snapshot s) {
        d.phase = s.phase().name();
        d.percent = s.percent();
        d.perSecond = s.perSecond();
        d.rowsReadTotal = s.rowsRead();
        d.bytesRead = s.bytesRead();
        d.bytesTotal = s.bytesTotal();
        d.recordsPublished = s.recordsPublished();
        d.recordsTotal = s.recordsTotal();
        d.updatedAt = Instant.now();
    }

    private static Map<String, Map<String, Long>> bySplit(Map<Split, Map<String, Long>> counts) {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        counts.forEach((split, byLabel) -> out.put(split.wireName(), new LinkedHashMap<>(byLabel)));
        return out;
    }

    /** The parameters as stored and reported: plain JSON with split names as keys. */
    static Map<String, Object> parametersView(IngestParameters p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("splits", p.splits().stream().map(Split::wireName).toList());
        Map<String, Object> sizes = new LinkedHashMap<>();
        p.splits().forEach(s -> sizes.put(s.wireName(), p.size(s) == null ? "all" : p.size(s)));
        m.put("sizes", sizes);
        m.put("all", p.all());
        m.put("stratified", p.stratified());
        m.put("seed", p.seed());
        m.put("maxChars", p.maxChars());
        return m;
    }
}
