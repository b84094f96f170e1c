package io.lorastream.trainer.service;

import io.lorastream.llm.TrainStepResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Live progress of the running run — step, loss, learning rate, tokens/s, ETA — for the logs, the REST
 * API and Prometheus ({@code lorastream_trainer_*}).
 */
@ApplicationScoped
public class TrainingMetrics {
    private static final Logger LOG = Logger.getLogger(TrainingMetrics.class);

    /** The latest step of a run in this process. */
    public record Progress(String runId, int step, int maxSteps, double loss, double learningRate,
            double tokensPerSecond, double secondsPerStep, double etaSeconds, Instant updatedAt) {}

    @Inject
    MeterRegistry registry;

    private final AtomicReference<Progress> current = new AtomicReference<>();
    private final Map<String, Progress> latest = new ConcurrentHashMap<>();
    private Counter steps;
    private Counter tokens;
    private Timer stepTimer;
    private Timer evaluationTimer;
    private Timer checkpointTimer;

    @PostConstruct
    void init() {
        Gauge.builder("lorastream.trainer.step", current, r -> value(r, p -> p.step())).description("optimizer step of the running run").register(registry);
        Gauge.builder("lorastream.trainer.max.steps", current, r -> value(r, p -> p.maxSteps())).register(registry);
        Gauge.builder("lorastream.trainer.loss", current, r -> value(r, Progress::loss)).description("training loss of the last step").register(registry);
        Gauge.builder("lorastream.trainer.learning.rate", current, r -> value(r, Progress::learningRate)).register(registry);
        Gauge.builder("lorastream.trainer.tokens.per.second", current, r -> value(r, Progress::tokensPerSecond)).register(registry);
        Gauge.builder("lorastream.trainer.eta.seconds", current, r -> value(r, Progress::etaSeconds)).description("estimated time to the end of the running run").register(registry);
        steps = Counter.builder("lorastream.trainer.steps").description("optimizer steps done").register(registry);
        tokens = Counter.builder("lorastream.trainer.tokens").description("tokens trained on").register(registry);
        stepTimer = Timer.builder("lorastream.trainer.step.duration").register(registry);
        evaluationTimer = Timer.builder("lorastream.trainer.evaluation.duration").register(registry);
        checkpointTimer = Timer.builder("lorastream.trainer.checkpoint.duration").register(registry);
    }

    private static double value(AtomicReference<Progress> ref, java.util.function.ToDoubleFunction<Progress> f) {
        Progress p = ref.get();
        return p == null ? Double.NaN : f.applyAsDouble(p);
    }

    /** Records a step; {@code secondsPerStep} is the mean over this session's steps, for the ETA. */
    public Progress step(String runId, TrainStepResult r, int maxSteps, double secondsPerStep) {
        double eta = Math.max(0, maxSteps - r.step()) * secondsPerStep;
        Progress p = new Progress(runId, r.step(), maxSteps, r.loss(), r.lr(), r.tokensPerSecond(), secondsPerStep, eta,
                Instant.now());
        current.set(p);
        latest.put(runId, p);
        steps.increment();
        tokens.increment(r.tokens());
        stepTimer.record(Duration.ofNanos((long) (r.seconds() * 1e9)));
        LOG.infof("run %s step %d/%d loss %.4f lr %.3e grad-norm %.3f tokens/s %.0f eta %.0fs%s", runId, r.step(),
                maxSteps, r.loss(), r.lr(), r.gradNorm(), r.tokensPerSecond(), eta, r.skipped() ? " (skipped: non-finite)" : "");
        return p;
    }

    public void evaluated(Duration took) {
        evaluationTimer.record(took);
    }

    public void checkpointed(Duration took) {
        checkpointTimer.record(took);
    }

    /** A run ended (any way): it is no longer the current one. */
    public void ended(String runId, String status) {
        current.updateAndGet(p -> p != null && p.runId().equals(runId) ? null : p);
        registry.counter("lorastream.trainer.runs", "status", status).increment();
    }

    /** Live progress of a run trained in this process, null if none. */
    public Progress progress(String runId) {
        return latest.get(runId);
    }
}
