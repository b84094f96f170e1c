package io.lorastream.trainer.messaging;

import io.lorastream.contracts.CheckpointEvent;
import io.lorastream.contracts.ContractJson;
import io.lorastream.trainer.domain.Checkpoint;
import io.lorastream.trainer.service.RunLedger;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Publishes {@link CheckpointEvent}s on lorastream.checkpoints keyed by adapter id, and marks each
 * checkpoint published once the broker acked it (unpublished ones are sent again at start-up).
 */
@ApplicationScoped
public class CheckpointPublisher {
    private static final Logger LOG = Logger.getLogger(CheckpointPublisher.class);

    @Inject
    @Channel("checkpoints")
    MutinyEmitter<String> emitter;

    @Inject
    RunLedger ledger;

    /** Publishes every checkpoint not yet published, oldest first. */
    public void publishPending() {
        for (Checkpoint c : ledger.unpublished()) {
            publish(c);
        }
    }

    public void publish(Checkpoint checkpoint) {
        CheckpointEvent event = checkpoint.toEvent();
        emitter.sendMessageAndAwait(Message.of(ContractJson.writeString(event)).addMetadata(
                OutgoingKafkaRecordMetadata.<String>builder().withKey(event.adapterId()).build()));
        ledger.markPublished(checkpoint.id);
        LOG.infof("published checkpoint %s (run %s, step %d%s)", event.adapterRef(), event.runId(), event.step(),
                event.finalCheckpoint() ? ", final" : "");
    }
}
