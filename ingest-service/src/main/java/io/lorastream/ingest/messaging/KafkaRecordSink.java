package io.lorastream.ingest.messaging;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.PromptRecord;
import io.lorastream.ingest.service.PromptRecordSink;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends prompt records with a Kafka producer (idempotent, acks=all: configured on the producer), keyed
 * by datasetId, with at most {@code window} records unacknowledged. One sink per ingest; the producer
 * may be shared. Plain code: the service wraps its channel's producer, the benchmark its own.
 */
public final class KafkaRecordSink implements PromptRecordSink {
    private final Producer<String, String> producer;
    private final String topic;
    private final int window;
    private final Semaphore inFlight;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private long sent;

    public KafkaRecordSink(Producer<String, String> producer, String topic, int window) {
        this.producer = producer;
        this.topic = topic;
        this.window = window;
        this.inFlight = new Semaphore(window);
    }

    @Override
    public void send(PromptRecord record) {
        throwIfFailed();
        acquire(1);
        sent++;
        try {
            producer.send(new ProducerRecord<>(topic, record.datasetId(), ContractJson.writeString(record)),
                    (metadata, error) -> {
                        if (error != null) {
                            failure.compareAndSet(null, error);
                        } else {
                            acknowledged.incrementAndGet();
                        }
                        inFlight.release();
                    });
        } catch (RuntimeException e) {
            inFlight.release();
            failure.compareAndSet(null, e);
            throwIfFailed();
        }
    }

    @Override
    public void flush() {
        producer.flush();
        acquire(window); // every callback has run once all permits are back
        inFlight.release(window);
        throwIfFailed();
        if (acknowledged.get() != sent) {
            throw new IllegalStateException("sent " + sent + " prompt records but " + acknowledged.get()
                    + " were acknowledged");
        }
    }

    public long acknowledged() {
        return acknowledged.get();
    }

    private void acquire(int permits) {
        try {
            if (!inFlight.tryAcquire(permits, 5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("Kafka did not acknowledge prompt records within 5 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing prompt records", e);
        }
    }

    private void throwIfFailed() {
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("publishing prompt records to " + topic + " failed: " + e.getMessage(), e);
        }
    }
}
