package io.lorastream.trainer.service;

import io.lorastream.trainer.domain.RunStatus;
import io.lorastream.trainer.messaging.CheckpointPublisher;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs training jobs one at a time on the training device, in the order they were queued. At start-up it
 * re-queues the runs a previous process left RUNNING (they resume from their last checkpoint) or QUEUED,
 * and publishes checkpoint events that never reached Kafka. On shutdown the running job stops at its
 * next step and stays RUNNING, so the next start resumes it.
 */
@ApplicationScoped
public class TrainingWorker {
    private static final Logger LOG = Logger.getLogger(TrainingWorker.class);

    @Inject
    TrainingJob job;

    @Inject
    RunLedger ledger;

    @Inject
    CheckpointPublisher publisher;

    @Inject
    MeterRegistry registry;

    private final LinkedBlockingDeque<String> queue = new LinkedBlockingDeque<>();
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    private volatile String current;
    private Thread thread;

    void onStart(@Observes StartupEvent event) {
        Gauge.builder("lorastream.trainer.queue.size", queue, LinkedBlockingDeque::size)
                .description("runs waiting for the worker").register(registry);
        for (String id : ledger.recover()) {
            enqueue(id);
        }
        thread = new Thread(this::loop, "trainer-worker");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public void enqueue(String runId) {
        synchronized (queue) {
            if (!queue.contains(runId) && !runId.equals(current)) {
                queue.add(runId);
                LOG.infof("run %s queued (%d waiting)", runId, queue.size());
            }
        }
    }

    /** The job stops at its next step; a queued run is dropped from the queue. */
    public void cancel(String runId) {
        cancelled.add(runId);
        queue.remove(runId);
    }

    /** Whether the job of {@code runId} must stop now, and why; null to go on. */
    public RunStatus stopReason(String runId) {
        if (cancelled.contains(runId)) {
            return RunStatus.CANCELLED;
        }
        return stopping ? RunStatus.RUNNING : null;
    }

    public String current() {
        return current;
    }

    public int queued() {
        return queue.size();
    }

    private void loop() {
        try {
            publisher.publishPending(); // a crash between recording and publishing: sent again, at least once
        } catch (RuntimeException e) {
            LOG.errorf(e, "cannot publish the checkpoint events left unpublished; they are sent at the next start");
        }
        while (!stopping) {
            String runId;
            try {
                runId = queue.poll(500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (runId == null) {
                continue;
            }
            current = runId;
            try {
                job.execute(runId, () -> stopReason(runId));
            } catch (Throwable t) { // the worker outlives every run
                LOG.errorf(t, "run %s: unexpected error in the worker", runId);
                ledger.finish(runId, RunStatus.FAILED, TrainingJob.describe(t));
            } finally {
                current = null;
                cancelled.remove(runId);
            }
        }
    }
}
