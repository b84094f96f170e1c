package io.lorastream.trainer.domain;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.PromptRecord;
import io.lorastream.contracts.Split;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;

/** A {@link PromptRecord} as received from Kafka, stored durably until its dataset is trained on. */
@Entity
@Table(name = "prompt_record")
public class StoredRecord extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "dataset_id")
    public String datasetId;

    /** The split's wire name ({@code train}, {@code validation}, {@code test}). */
    public String split;

    @Column(name = "idx")
    public int index;

    /** The record's contract JSON, exactly as {@link ContractJson} writes it (the digest is taken over it). */
    public String payload;

    /** {@code topic/partition/offset} it came from. */
    public String source;

    @Column(name = "received_at")
    public Instant receivedAt;

    public PromptRecord record() {
        return ContractJson.read(payload, PromptRecord.class);
    }

    public static StoredRecord find(String datasetId, Split split, int index) {
        return find("datasetId = ?1 and split = ?2 and index = ?3", datasetId, split.wireName(), index).firstResult();
    }

    public static long countOf(String datasetId) {
        return count("datasetId", datasetId);
    }

    /** All records of a dataset in (split, index) order. */
    public static List<StoredRecord> ofDataset(String datasetId) {
        return list("datasetId = ?1 order by split, index", datasetId);
    }
}
