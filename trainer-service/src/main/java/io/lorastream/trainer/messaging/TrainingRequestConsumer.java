package io.lorastream.trainer.messaging;

import io.lorastream.trainer.service.InvalidRequestException;
import io.lorastream.trainer.service.RunService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes TrainingRequest messages: a valid one becomes a run (queued once its dataset is complete);
 * invalid JSON, a broken contract or impossible hyper-parameters go to the dead-letter topic.
 */
@ApplicationScoped
public class TrainingRequestConsumer {
    @Inject
    RunService runs;

    @Inject
    DeadLetters deadLetters;

    @Incoming("training-requests")
    @Blocking
    public void onRequest(ConsumerRecord<String, String> r) {
        try {
            runs.submit(RunService.parse(r.value()));
        } catch (InvalidRequestException e) {
            deadLetters.send(r.topic(), r.key(), r.value(), DeadLetters.source(r.topic(), r.partition(), r.offset()),
                    e.getMessage());
        }
    }
}
