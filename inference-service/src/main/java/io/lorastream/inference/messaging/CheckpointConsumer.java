package io.lorastream.inference.messaging;

import io.lorastream.contracts.CheckpointEvent;
import io.lorastream.contracts.ContractException;
import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.Topics;
import io.lorastream.inference.domain.Registration;
import io.lorastream.inference.service.AdapterManager;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * {@code lorastream.checkpoints} through SmallRye Reactive Messaging (channel {@code checkpoints}, one
 * consumer group per instance so every replica hears every checkpoint). Each event is registered in the
 * database before it is acknowledged, so a restart resumes its verification; fetching, verifying and
 * swapping happen in the background. Unreadable events go to {@code lorastream.checkpoints.dlq}.
 */
@ApplicationScoped
public class CheckpointConsumer {
    private static final Logger LOG = Logger.getLogger(CheckpointConsumer.class);

    private final AdapterManager adapters;
    private final KafkaClients kafka;

    public CheckpointConsumer(AdapterManager adapters, KafkaClients kafka) {
        this.adapters = adapters;
        this.kafka = kafka;
    }

    @Incoming("checkpoints")
    @Blocking
    public void onCheckpoint(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        long received = System.nanoTime();
        CheckpointEvent event;
        try {
            event = ContractJson.read(record.value(), CheckpointEvent.class);
        } catch (ContractException e) {
            deadLetter(record, e.getMessage());
            return;
        }
        Registration registration;
        try {
            registration = Registration.of(event);
        } catch (IllegalArgumentException e) { // an adapter id our references cannot carry (contains @ or /)
            deadLetter(record, e.getMessage());
            return;
        }
        if (adapters.announce(registration, received)) {
            LOG.infof("checkpoint %s (run %s, step %d%s) received", event.adapterRef(), event.runId(), event.step(),
                    event.finalCheckpoint() ? ", final" : "");
        }
    }

    private void deadLetter(ConsumerRecord<String, byte[]> r, String reason) throws InterruptedException {
        LOG.warnf("unreadable checkpoint event at %s/%d/%d: %s", r.topic(), r.partition(), r.offset(), reason);
        RecordHeaders headers = new RecordHeaders();
        headers.add(new RecordHeader(Topics.DLQ_REASON_HEADER,
                ("invalid-json: " + reason).getBytes(StandardCharsets.UTF_8)));
        headers.add(new RecordHeader(Topics.DLQ_SOURCE_HEADER,
                (r.topic() + "/" + r.partition() + "/" + r.offset()).getBytes(StandardCharsets.UTF_8)));
        try {
            kafka.producer().send(new ProducerRecord<>(Topics.dlq(Topics.CHECKPOINTS), null, r.key(), r.value(), headers))
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // not acknowledged: fail the message so it is not committed and comes back
            throw new IllegalStateException("cannot dead-letter checkpoint event: " + e, e);
        }
    }
}
