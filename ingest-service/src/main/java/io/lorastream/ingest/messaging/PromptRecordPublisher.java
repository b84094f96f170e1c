package io.lorastream.ingest.messaging;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.PromptRecord;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Publishes prompt records on lorastream.prompt-records keyed by datasetId. */
@ApplicationScoped
public class PromptRecordPublisher {
    @Inject
    @Channel("prompt-records")
    Emitter<String> emitter;

    public void publish(PromptRecord record) {
        emitter.send(Message.of(ContractJson.writeString(record)).addMetadata(
                OutgoingKafkaRecordMetadata.<String>builder().withKey(record.datasetId()).build()));
    }
}
