package io.lorastream.ingest.messaging;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.TrainingRequest;
import io.lorastream.ingest.config.IngestConfig;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Asks the trainer for a run on {@code lorastream.training-requests}, keyed by datasetId. */
@ApplicationScoped
public class TrainingRequestPublisher {
    @Inject
    @Channel("training-requests")
    MutinyEmitter<String> emitter;

    @Inject
    IngestConfig config;

    /** Returns once the broker acknowledged it. */
    public void publish(TrainingRequest request) {
        emitter.sendMessage(Message.of(ContractJson.writeString(request)).addMetadata(
                        OutgoingKafkaRecordMetadata.<String>builder().withKey(request.datasetId()).build()))
                .await().atMost(config.publish().ackTimeout());
    }
}
