package io.lorastream.ingest.messaging;

import io.lorastream.contracts.Topics;
import io.lorastream.ingest.config.IngestConfig;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.Producer;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/**
 * Publishes prompt records on {@code lorastream.prompt-records} keyed by datasetId. The channel is
 * declared (and configured: idempotent, acks=all) as usual so readiness covers it; bulk sends go
 * straight to the channel's Kafka producer through a {@link KafkaRecordSink}, which bounds the records
 * in flight and counts each acknowledgement, the two things a dataset of 45k records needs.
 */
@ApplicationScoped
public class PromptRecordPublisher {
    public static final String CHANNEL = "prompt-records";

    @Inject
    @Channel(CHANNEL)
    Emitter<String> channel; // declares the channel; records go through its producer below

    @Inject
    KafkaClientService kafka;

    @Inject
    IngestConfig config;

    /** A sink for one dataset's records. */
    public KafkaRecordSink newSink() {
        Producer<String, String> producer = kafka.<String, String>getProducer(CHANNEL).unwrap();
        return new KafkaRecordSink(producer, Topics.PROMPT_RECORDS, config.publish().window());
    }
}
