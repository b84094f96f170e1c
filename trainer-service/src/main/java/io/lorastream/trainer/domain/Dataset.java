package io.lorastream.trainer.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A dataset announced by {@code DatasetSealed}; trainable once COMPLETE. */
@Entity
@Table(name = "dataset")
public class Dataset extends PanacheEntityBase {
    public enum Status {
        /** Sealed; not every record has arrived yet. */
        SEALED,
        /** Every record arrived and their digest equals the seal's. */
        COMPLETE,
        /** The records contradict the seal (more records, or another digest). */
        INVALID
    }

    @Id
    @Column(name = "dataset_id")
    public String datasetId;

    @Column(name = "record_count")
    public long recordCount;

    public String sha256;

    @Column(name = "counts_json")
    public String countsJson;

    public String source;

    @Column(name = "template_id")
    public String templateId;

    @Column(name = "sealed_at")
    public Instant sealedAt;

    @Column(name = "received_at")
    public Instant receivedAt;

    @Enumerated(EnumType.STRING)
    public Status status;

    public String problem;

    /** The seal message as received, dead-lettered if the records turn out to contradict it. */
    @Column(name = "seal_payload")
    public String sealPayload;

    /** {@code topic/partition/offset} of the seal. */
    @Column(name = "seal_source")
    public String sealSource;
}
