package io.lorastream.trainer.messaging;

import io.lorastream.contracts.Topics;
import io.lorastream.trainer.config.TrainerConfig;
import io.lorastream.trainer.domain.StoredRecord;
import io.lorastream.trainer.service.DatasetIntake;
import io.lorastream.trainer.service.RunService;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Records arrive before their seal, so a record of an unknown dataset can only be recognised by time:
 * when no {@code DatasetSealed} came within {@code seal-timeout} of a dataset's last record, its records
 * are dead-lettered and dropped. Runs that waited as long for a dataset fail.
 */
@ApplicationScoped
public class UnsealedRecordSweeper {
    private static final Logger LOG = Logger.getLogger(UnsealedRecordSweeper.class);

    @Inject
    TrainerConfig config;

    @Inject
    DatasetIntake intake;

    @Inject
    RunService runs;

    @Inject
    DeadLetters deadLetters;

    private ScheduledExecutorService timer;

    void onStart(@Observes StartupEvent event) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "unsealed-sweeper");
            t.setDaemon(true);
            return t;
        });
        long every = config.sweepInterval().toMillis();
        timer.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** One pass; errors are logged and the next pass tries again. */
    public void sweep() {
        try {
            List<StoredRecord> expired = intake.unsealedExpired();
            for (StoredRecord r : expired) {
                deadLetters.send(Topics.PROMPT_RECORDS, r.datasetId, r.payload, r.source, "unknown dataset '"
                        + r.datasetId + "': no DatasetSealed arrived within " + config.sealTimeout() + " of its last record");
            }
            if (!expired.isEmpty()) {
                intake.deleteUnsealed(expired);
            }
            runs.expireWaiting();
        } catch (RuntimeException e) {
            LOG.errorf(e, "sweep of unsealed records failed; retrying in %s", config.sweepInterval());
        }
    }
}
