package io.lorastream.trainer.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;

/** One optimizer step of a run: a point of its loss curve. */
@Entity
@Table(name = "run_step")
public class RunStep extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "run_id")
    public String runId;

    public int step;

    /** Null when the step's loss was not finite (the update was skipped). */
    public Double loss;

    @Column(name = "learning_rate")
    public double learningRate;

    @Column(name = "grad_norm")
    public Double gradNorm;

    public int tokens;

    public double seconds;

    public boolean skipped;

    @Column(name = "recorded_at")
    public Instant recordedAt;

    public static List<RunStep> ofRun(String runId) {
        return list("runId = ?1 order by step", runId);
    }

    /** Steps recorded after {@code step}: work a crash lost, re-done on resume. */
    public static long deleteAfter(String runId, int step) {
        return delete("runId = ?1 and step > ?2", runId, step);
    }
}
