package io.lorastream.trainer.messaging;

import io.lorastream.contracts.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Sends rejected input to {@code <topic>.dlq} with the reason and the source position in headers, and
 * waits for the broker's ack, so that the source record is committed only once its dead letter is safe.
 */
@ApplicationScoped
public class DeadLetters {
    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    @Inject
    @Channel("dead-letters")
    MutinyEmitter<String> emitter;

    @Inject
    MeterRegistry registry;

    /**
     * @param source {@code topic/partition/offset} of the rejected record
     */
    public void send(String topic, String key, String value, String source, String reason) {
        String dlq = Topics.dlq(topic);
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.DLQ_REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(Topics.DLQ_SOURCE_HEADER, source.getBytes(StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata<String> meta = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(dlq).withKey(key).withHeaders(headers).build();
        emitter.sendMessageAndAwait(Message.of(value == null ? "" : value).addMetadata(meta));
        registry.counter("lorastream.trainer.dead.letters", "topic", topic).increment();
        LOG.warnf("dead-lettered %s to %s: %s", source, dlq, reason);
    }

    public static String source(String topic, int partition, long offset) {
        return topic + "/" + partition + "/" + offset;
    }
}
