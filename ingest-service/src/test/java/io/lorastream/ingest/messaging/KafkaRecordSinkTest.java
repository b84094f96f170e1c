package io.lorastream.ingest.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.PromptRecord;
import io.lorastream.contracts.Split;
import io.lorastream.testing.SharedKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The sink on its own, with a plain idempotent producer against the real in-JVM broker. */
class KafkaRecordSinkTest {

    private static KafkaProducer<String, String> producer(String bootstrap, Map<String, Object> extra) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putAll(extra);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    @Test
    void everyRecordIsAcknowledgedInOrderUnderItsDatasetKey() {
        String topic = "sink-test-" + System.nanoTime();
        List<PromptRecord> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer(SharedKafka.bootstrapServers(), Map.of())) {
            KafkaRecordSink sink = new KafkaRecordSink(producer, topic, 16); // a small window: sends wait for acks
            for (int i = 0; i < 500; i++) {
                PromptRecord r = PromptRecord.of("ds-sink", Split.TRAIN, i, "tweet " + i, "neutral");
                sink.send(r);
                sent.add(r);
            }
            sink.flush();
            assertEquals(500, sink.acknowledged());
        }
        Properties c = new Properties();
        c.put("bootstrap.servers", SharedKafka.bootstrapServers());
        List<PromptRecord> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (read.size() < 500 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    assertEquals("ds-sink", r.key());
                    read.add(ContractJson.read(r.value(), PromptRecord.class));
                }
            }
        }
        assertEquals(sent, read);
    }

    @Test
    void aBrokerThatCannotBeReachedFailsTheSendOrFlushWithTheReason() {
        try (KafkaProducer<String, String> producer = producer("127.0.0.1:9",
                Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 300, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 1000,
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 500))) {
            KafkaRecordSink sink = new KafkaRecordSink(producer, "nowhere", 4);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
                sink.send(PromptRecord.of("ds-x", Split.TRAIN, 0, "t", "positive"));
                sink.flush();
            });
            assertTrue(e.getMessage().startsWith("publishing prompt records to nowhere failed"), e.getMessage());
        }
    }
}
