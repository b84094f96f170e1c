package io.lorastream.inference.support;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.Topics;
import io.lorastream.testing.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain Kafka clients on the tests' shared broker: send raw records, read topics in the background. */
public final class TestKafka {
    private static KafkaProducer<String, byte[]> producer;

    private TestKafka() {}

    public static synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(
                    "bootstrap.servers", SharedKafka.bootstrapServers(),
                    "enable.idempotence", "true",
                    "acks", "all",
                    "linger.ms", "0"),
                    new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    public static void send(String topic, String key, byte[] value) {
        try {
            producer().send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + topic, e);
        }
    }

    public static void send(String topic, String key, String value) {
        send(topic, key, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a contract record as JSON. */
    public static void sendJson(String topic, String key, Object message) {
        send(topic, key, ContractJson.write(message));
    }

    public static void checkpoint(io.lorastream.contracts.CheckpointEvent e) {
        sendJson(Topics.CHECKPOINTS, e.adapterId(), e);
    }

    /** Reads a topic from the beginning (own group), keeping the records that match, in arrival order. */
    public static final class Reader implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final List<ConsumerRecord<String, byte[]>> records = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;

        public Reader(String topic, Predicate<ConsumerRecord<String, byte[]>> keep) {
            consumer = new KafkaConsumer<>(Map.of(
                    "bootstrap.servers", SharedKafka.bootstrapServers(),
                    "group.id", "test-reader-" + UUID.randomUUID(),
                    "auto.offset.reset", "earliest",
                    "enable.auto.commit", "false"),
                    new StringDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of(topic));
            thread = new Thread(() -> {
                try {
                    while (running) {
                        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                            if (keep.test(r)) {
                                records.add(r);
                            }
                        }
                    }
                } catch (WakeupException ignored) {
                    // closing
                } finally {
                    consumer.close();
                }
            }, "test-reader-" + topic);
            thread.setDaemon(true);
            thread.start();
        }

        public static Reader keysStartingWith(String topic, String prefix) {
            return new Reader(topic, r -> r.key() != null && r.key().startsWith(prefix));
        }

        public int size() {
            return records.size();
        }

        public List<ConsumerRecord<String, byte[]>> records() {
            return new ArrayList<>(records);
        }

        public <T> List<T> values(Class<T> type) {
            return records().stream().map(r -> ContractJson.read(r.value(), type)).toList();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            consumer.wakeup();
            thread.join(5_000);
        }
    }
}
