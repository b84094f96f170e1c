package io.lorastream.trainer.domain;

import io.lorastream.contracts.CheckpointEvent;
import io.lorastream.contracts.CheckpointMetrics;
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

/** A saved adapter version with its validation metrics; mirrors the {@link CheckpointEvent} published for it. */
@Entity
@Table(name = "checkpoint")
public class Checkpoint extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "run_id")
    public String runId;

    @Column(name = "adapter_id")
    public String adapterId;

    public int version;

    public int step;

    @Column(name = "final_checkpoint")
    public boolean finalCheckpoint;

    @Column(name = "adapter_uri")
    public String adapterUri;

    @Column(name = "adapter_sha256")
    public String adapterSha256;

    @Column(name = "base_model_id")
    public String baseModelId;

    @Column(name = "base_model_sha256")
    public String baseModelSha256;

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

    /** Whether its CheckpointEvent reached Kafka; unpublished ones are sent again at start-up. */
    public boolean published;

    /**
     * The validation confusion matrix as JSON, {@code {"labels": [...], "matrix": [[...], ...]}} (rows = true
     * label, columns = predicted); null without validation records.
     */
    @Column(name = "confusion_matrix")
    public String confusionMatrix;

    /** Where the latest Hub publication of this adapter stands. */
    public enum HubStatus {
        /** The upload is under way (or the process died during it: never a success). */
        PUBLISHING,
        /** The Hub confirmed the commit: {@link #hubCommit} and {@link #hubUri} are set. */
        PUBLISHED,
        /** It failed; {@link #hubErrorKind} and {@link #hubError} say why. Nothing was published. */
        FAILED
    }

    @Enumerated(EnumType.STRING)
    @Column(name = "hub_status")
    public HubStatus hubStatus;

    @Column(name = "hub_repo")
    public String hubRepo;

    @Column(name = "hub_revision")
    public String hubRevision;

    @Column(name = "hub_private")
    public Boolean hubPrivate;

    @Column(name = "hub_commit")
    public String hubCommit;

    /** {@code hf://owner/repo@<commit sha>} once published. */
    @Column(name = "hub_uri")
    public String hubUri;

    @Column(name = "hub_adapter_sha256")
    public String hubAdapterSha256;

    /** The {@code HubException} kind of a failed publication. */
    @Column(name = "hub_error_kind")
    public String hubErrorKind;

    @Column(name = "hub_error")
    public String hubError;

    @Column(name = "hub_attempted_at")
    public Instant hubAttemptedAt;

    @Column(name = "hub_published_at")
    public Instant hubPublishedAt;

    @Column(name = "created_at")
    public Instant createdAt;

    public CheckpointEvent toEvent() {
        return new CheckpointEvent(1, runId, adapterId, version, step, finalCheckpoint, baseModelId, baseModelSha256,
                adapterUri, adapterSha256, CheckpointEvent.FORMAT_PEFT,
                new CheckpointMetrics(trainLoss, validationLoss, accuracy, macroRecall, macroF1, lossOn), createdAt);
    }

    public static List<Checkpoint> ofRun(String runId) {
        return list("runId = ?1 order by step", runId);
    }

    public static Checkpoint latestOf(String runId) {
        return find("runId = ?1 order by step desc", runId).firstResult();
    }

    /** The checkpoint a run ended with; null while it runs, or when it failed or was cancelled before the end. */
    public static Checkpoint finalOf(String runId) {
        return find("runId = ?1 and finalCheckpoint = true order by step desc", runId).firstResult();
    }

    public static Checkpoint ofRunAtStep(String runId, int step) {
        return find("runId = ?1 and step = ?2", runId, step).firstResult();
    }

    public static Checkpoint byVersion(String adapterId, int version) {
        return find("adapterId = ?1 and version = ?2", adapterId, version).firstResult();
    }

    public static int nextVersion(String adapterId) {
        Integer max = getEntityManager()
                .createQuery("select max(c.version) from Checkpoint c where c.adapterId = ?1", Integer.class)
                .setParameter(1, adapterId).getSingleResult();
        return max == null ? 1 : max + 1;
    }

    public static List<Checkpoint> unpublished() {
        return list("published = false order by createdAt");
    }
}
