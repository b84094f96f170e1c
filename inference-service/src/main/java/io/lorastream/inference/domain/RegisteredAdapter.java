package io.lorastream.inference.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** One row of the adapter registry (table {@code adapter}, migration V1). */
@Entity
@Table(name = "adapter")
public class RegisteredAdapter extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "adapter_id", nullable = false)
    public String adapterId;

    @Column(nullable = false)
    public int version;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public AdapterStatus status;

    /** Why it was rejected, or a note on its state (policy decision, eviction, rollback). */
    public String reason;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public AdapterSource source;

    @Column(name = "run_id")
    public String runId;

    public Integer step;

    @Column(name = "final_checkpoint")
    public Boolean finalCheckpoint;

    @Column(name = "base_model_id")
    public String baseModelId;

    /** The base model it claims to be trained on; null when the registration did not say. */
    @Column(name = "base_model_sha256")
    public String baseModelSha256;

    @Column(nullable = false)
    public String uri;

    /** For {@code hf://} adapters: the URI pinned to the commit the verified files came from (migration V2). */
    @Column(name = "resolved_uri")
    public String resolvedUri;

    /** Declared digest (Digests.adapterSha256), or the computed one when the registration gave none. */
    public String sha256;

    /** The verified copy in the local adapter cache. */
    @Column(name = "local_path")
    public String localPath;

    @Column(name = "train_loss")
    public Double trainLoss;

    @Column(name = "validation_loss")
    public Double validationLoss;

    public Double accuracy;

    @Column(name = "macro_recall")
    public Double macroRecall;

    @Column(name = "macro_f1")
    public Double macroF1;

    @Column(name = "loss_on")
    public String lossOn;

    @Column(name = "registered_at", nullable = false)
    public Instant registeredAt;

    @Column(name = "loaded_at")
    public Instant loadedAt;

    /** Last activation; cleared when rolled back from, so the activation history survives restarts. */
    @Column(name = "activated_at")
    public Instant activatedAt;

    /** Fetch + verify + load, milliseconds. */
    @Column(name = "load_ms")
    public Double loadMs;

    public AdapterRef ref() {
        return new AdapterRef(adapterId, version);
    }

    public static Optional<RegisteredAdapter> findByRef(AdapterRef ref) {
        return find("adapterId = ?1 and version = ?2", ref.adapterId(), ref.version()).firstResultOptional();
    }

    public static Optional<RegisteredAdapter> findActive() {
        return find("status", AdapterStatus.ACTIVE).firstResultOptional();
    }

    /** Highest registered version of an adapter id, 0 when none. */
    public static int latestVersion(String adapterId) {
        Integer v = getEntityManager()
                .createQuery("select max(a.version) from RegisteredAdapter a where a.adapterId = ?1", Integer.class)
                .setParameter(1, adapterId)
                .getSingleResult();
        return v == null ? 0 : v;
    }

    /** Adapters in activation order, most recent first (the rollback history). */
    public static List<RegisteredAdapter> activationHistory() {
        return list("activatedAt is not null and status <> ?1 order by activatedAt desc", AdapterStatus.REJECTED);
    }

    /** Registered or half-loaded when the service stopped: their loading has to be redone. */
    public static List<RegisteredAdapter> unfinished() {
        return list("status in ?1 order by registeredAt", List.of(AdapterStatus.REGISTERED, AdapterStatus.LOADING));
    }
}
