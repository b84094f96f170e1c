package io.lorastream.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The in-JVM broker is a real Kafka: topics with partitions, consumer groups, and data that survives a restart. */
class KraftBrokerTest {

    @Test
    void keepsRecordsAcrossARestartOfThePersistentBroker() throws Exception {
        Path dir = Files.createTempDirectory("kraft-restart");
        int port = KraftBroker.freePort();
        int cport = KraftBroker.freePort();
        try (KraftBroker broker = KraftBroker.start(dir, port, cport)) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("restart-check", 3, (short) 1))).all().get();
                assertEquals(3, admin.describeTopics(List.of("restart-check")).allTopicNames().get()
                        .get("restart-check").partitions().size());
            }
            try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"), new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 10; i++) {
                    p.send(new ProducerRecord<>("restart-check", "k" + i, "v" + i)).get();
                }
            }
        }
        try (KraftBroker again = KraftBroker.start(dir, port, cport);
                KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, again.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG, "restart-check",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                        new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of("restart-check"));
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 200 && got.size() < 10; i++) {
                c.poll(Duration.ofMillis(200)).forEach(r -> got.add(r.value()));
            }
            assertEquals(10, got.size());
            assertTrue(got.containsAll(List.of("v0", "v5", "v9")));
        }
    }
}
