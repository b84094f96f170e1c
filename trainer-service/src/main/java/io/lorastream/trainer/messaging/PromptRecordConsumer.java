package io.lorastream.trainer.messaging;

import io.lorastream.trainer.service.DatasetIntake;
import io.lorastream.trainer.service.Received;
import io.lorastream.trainer.service.Rejection;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes lorastream.prompt-records in batches: stores them in one transaction, dead-letters the bad
 * ones, then checks the datasets they belong to. The batch is committed to Kafka only afterwards.
 */
@ApplicationScoped
public class PromptRecordConsumer {
    @Inject
    DatasetIntake intake;

    @Inject
    DeadLetters deadLetters;

    @Inject
    DatasetCompletion completion;

    @Incoming("prompt-records")
    @Blocking
    public void onRecords(ConsumerRecords<String, String> records) {
        List<Received> batch = new ArrayList<>(records.count());
        for (ConsumerRecord<String, String> r : records) {
            batch.add(new Received(r.topic(), r.key(), r.value(), DeadLetters.source(r.topic(), r.partition(), r.offset())));
        }
        DatasetIntake.Stored stored = intake.storeRecords(batch);
        for (Rejection rejection : stored.rejected()) {
            Received in = rejection.received();
            deadLetters.send(in.topic(), in.key(), in.value(), in.source(), rejection.reason());
        }
        stored.datasets().forEach(completion::check);
    }
}
