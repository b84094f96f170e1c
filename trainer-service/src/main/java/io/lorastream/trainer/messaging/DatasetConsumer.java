package io.lorastream.trainer.messaging;

import io.lorastream.trainer.service.DatasetIntake;
import io.lorastream.trainer.service.Received;
import io.lorastream.trainer.service.Rejection;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Consumes DatasetSealed messages from lorastream.datasets. */
@ApplicationScoped
public class DatasetConsumer {
    @Inject
    DatasetIntake intake;

    @Inject
    DeadLetters deadLetters;

    @Inject
    DatasetCompletion completion;

    @Incoming("datasets")
    @Blocking
    public void onSeal(ConsumerRecord<String, String> r) {
        Received in = new Received(r.topic(), r.key(), r.value(), DeadLetters.source(r.topic(), r.partition(), r.offset()));
        DatasetIntake.Stored stored = intake.storeSeal(in);
        for (Rejection rejection : stored.rejected()) {
            deadLetters.send(in.topic(), in.key(), in.value(), in.source(), rejection.reason());
        }
        stored.datasets().forEach(completion::check);
    }
}
