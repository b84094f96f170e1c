package io.lorastream.trainer.service;

import io.lorastream.contracts.ContractException;
import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.DatasetSealed;
import io.lorastream.contracts.Digests;
import io.lorastream.contracts.PromptRecord;
import io.lorastream.contracts.Topics;
import io.lorastream.trainer.config.TrainerConfig;
import io.lorastream.trainer.domain.Dataset;
import io.lorastream.trainer.domain.StoredRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Receives prompt records and dataset seals in any order and decides when a dataset is complete: its
 * seal has arrived, it holds exactly {@code recordCount} records, and their digest equals the seal's.
 * Records are stored in PostgreSQL as they arrive, so a restart loses nothing.
 */
@ApplicationScoped
public class DatasetIntake {
    private static final Logger LOG = Logger.getLogger(DatasetIntake.class);

    @Inject
    TrainerConfig config;

    /** What a batch of records did: rejected ones, and the datasets that may have become complete. */
    public record Stored(List<Rejection> rejected, Set<String> datasets) {}

    /** Stores a batch of prompt records in one transaction. */
    @Transactional
    public Stored storeRecords(List<Received> batch) {
        List<Rejection> rejected = new ArrayList<>();
        Set<String> touched = new LinkedHashSet<>();
        Instant now = Instant.now();
        for (Received in : batch) {
            PromptRecord record;
            try {
                record = ContractJson.read(in.value(), PromptRecord.class);
            } catch (ContractException e) {
                rejected.add(new Rejection(in, "invalid PromptRecord: " + e.getMessage()));
                continue;
            }
            String payload = ContractJson.writeString(record);
            Dataset dataset = Dataset.findById(record.datasetId());
            StoredRecord existing = StoredRecord.find(record.datasetId(), record.split(), record.index());
            if (existing != null && existing.payload.equals(payload)) {
                continue; // redelivered: already stored
            }
            if (dataset != null && dataset.status != Dataset.Status.SEALED) {
                rejected.add(new Rejection(in, "dataset '" + record.datasetId() + "' is already "
                        + dataset.status.name().toLowerCase() + "; record " + record.split().wireName() + "/"
                        + record.index() + " is not part of it"));
                continue;
            }
            StoredRecord row = existing != null ? existing : new StoredRecord();
            row.datasetId = record.datasetId();
            row.split = record.split().wireName();
            row.index = record.index();
            row.payload = payload;
            row.source = in.source();
            row.receivedAt = now;
            if (existing == null) {
                row.persist();
            }
            touched.add(record.datasetId());
        }
        return new Stored(rejected, touched);
    }

    /** Stores a seal; rejected when it is malformed or contradicts an earlier seal of the dataset. */
    @Transactional
    public Stored storeSeal(Received in) {
        Rejection rejection = seal(in);
        return rejection != null ? new Stored(List.of(rejection), Set.of())
                : new Stored(List.of(), Set.of(ContractJson.read(in.value(), DatasetSealed.class).datasetId()));
    }

    private Rejection seal(Received in) {
        DatasetSealed seal;
        try {
            seal = ContractJson.read(in.value(), DatasetSealed.class);
        } catch (ContractException e) {
            return new Rejection(in, "invalid DatasetSealed: " + e.getMessage());
        }
        if (seal.recordCount() < 0) {
            return new Rejection(in, "DatasetSealed: recordCount must be >= 0, was " + seal.recordCount());
        }
        Dataset existing = Dataset.findById(seal.datasetId());
        if (existing != null) {
            if (existing.sha256.equals(seal.sha256()) && existing.recordCount == seal.recordCount()) {
                return null; // redelivered
            }
            return new Rejection(in, "dataset '" + seal.datasetId() + "' was already sealed with sha256 "
                    + existing.sha256 + " (" + existing.recordCount + " records); a dataset is immutable");
        }
        Dataset d = new Dataset();
        d.datasetId = seal.datasetId();
        d.recordCount = seal.recordCount();
        d.sha256 = seal.sha256();
        d.countsJson = ContractJson.writeString(seal.counts());
        d.source = seal.source();
        d.templateId = seal.templateId();
        d.sealedAt = seal.sealedAt();
        d.receivedAt = Instant.now();
        d.status = Dataset.Status.SEALED;
        d.sealPayload = in.value();
        d.sealSource = in.source();
        d.persist();
        LOG.infof("dataset %s sealed: %d records, sha256 %s", d.datasetId, d.recordCount, d.sha256);
        return null;
    }

    /** Outcome of a completeness check: the dataset's status after it, and the seal to dead-letter if invalid. */
    public record Check(Dataset.Status status, Rejection rejectedSeal) {}

    /**
     * Marks a sealed dataset COMPLETE once its records are all there and match, or INVALID when they
     * contradict the seal. Returns null while it still waits for records (or is not sealed).
     */
    @Transactional
    public Check checkComplete(String datasetId) {
        Dataset d = Dataset.findById(datasetId);
        if (d == null || d.status != Dataset.Status.SEALED) {
            return d == null ? null : new Check(d.status, null);
        }
        long count = StoredRecord.countOf(datasetId);
        if (count < d.recordCount) {
            LOG.debugf("dataset %s: %d of %d records", datasetId, count, d.recordCount);
            return null;
        }
        String problem = null;
        if (count > d.recordCount) {
            problem = "dataset '" + datasetId + "' has " + count + " records, its seal announces " + d.recordCount;
        } else {
            List<PromptRecord> records = StoredRecord.ofDataset(datasetId).stream().map(StoredRecord::record).toList();
            String sha = Digests.datasetSha256(records);
            if (!sha.equals(d.sha256)) {
                problem = "dataset '" + datasetId + "': the sha256 of its " + count + " records is " + sha
                        + ", its seal says " + d.sha256;
            }
        }
        if (problem != null) {
            d.status = Dataset.Status.INVALID;
            d.problem = problem;
            LOG.warn(problem);
            Received seal = new Received(Topics.DATASETS, datasetId, d.sealPayload, d.sealSource);
            return new Check(d.status, new Rejection(seal, problem));
        }
        d.status = Dataset.Status.COMPLETE;
        LOG.infof("dataset %s complete: %d records, sha256 verified", datasetId, count);
        return new Check(d.status, null);
    }

    /** Records of datasets with no seal, whose last record is older than the seal timeout. */
    @Transactional
    public List<StoredRecord> unsealedExpired() {
        Instant cutoff = Instant.now().minus(config.sealTimeout());
        List<String> ids = StoredRecord.getEntityManager().createQuery(
                "select r.datasetId from StoredRecord r where r.datasetId not in (select d.datasetId from Dataset d)"
                        + " group by r.datasetId having max(r.receivedAt) < ?1", String.class)
                .setParameter(1, cutoff).getResultList();
        List<StoredRecord> out = new ArrayList<>();
        ids.forEach(id -> out.addAll(StoredRecord.ofDataset(id)));
        return out;
    }

    /** Deletes dead-lettered unsealed records, keeping those whose seal arrived meanwhile. */
    @Transactional
    public void deleteUnsealed(List<StoredRecord> records) {
        records.stream().filter(r -> Dataset.findById(r.datasetId) == null).map(r -> r.id)
                .filter(Objects::nonNull).forEach(id -> StoredRecord.deleteById(id)); // a lambda: Panache enhances the entity's own static method
    }
}
