package io.lorastream.ingest.messaging;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.DatasetSealed;
import io.lorastream.ingest.config.IngestConfig;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Announces a complete dataset on {@code lorastream.datasets}, keyed by datasetId, after its last record. */
@ApplicationScoped
public class DatasetSealedPublisher {
    @Inject
    @Channel("datasets")
    MutinyEmitter<String> emitter;

    @Inject
    IngestConfig config;

    /** Returns once the broker acknowledged it. */
    public void publish(DatasetSealed sealed) {
        emitter.sendMessage(Message.of(ContractJson.writeString(sealed)).addMetadata(
                        OutgoingKafkaRecordMetadata.<String>builder().withKey(sealed.datasetId()).build()))
                .await().atMost(config.publish().ackTimeout());
    }
}
