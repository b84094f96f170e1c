package io.lorastream.trainer.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Placeholder consumer so readiness covers the Kafka channel; the trainer issue replaces it. */
@ApplicationScoped
public class TrainingRequestConsumer {
    private static final Logger LOG = Logger.getLogger(TrainingRequestConsumer.class);

    @Incoming("training-requests")
    public void onRequest(String json) {
        LOG.infof("training request received (%d chars)", json.length());
    }
}
