package io.lorastream.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lorastream.testing.SharedKafka;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Every contract record survives a trip through a real (in-JVM KRaft) broker unchanged. */
class ContractsThroughKafkaTest {

    @Test
    void everyRecordRoundTripsThroughTheBroker() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<Object> messages = List.of(
                PromptRecord.of("ds-1", Split.TRAIN, 0, "@user what a day 😀", "positive"),
                new DatasetSealed(1, "ds-1", Map.of(Split.TRAIN, Map.of("positive", 1L)), 1, "ab12", "dir:/x",
                        PromptTemplate.ID, now),
                new TrainingRequest(1, "req-1", "ds-1", null, HyperParameters.defaults(), now),
                new CheckpointEvent(1, "run-1", "ad-1", 1, 20, false, "m", "sha", "file:///a", "sha2", "peft",
                        new CheckpointMetrics(1.0, null, 0.5, 0.4, null, "completion"), now),
                new TweetMessage(1, "t-1", "hello", now, null),
                new SentimentResult(1, "t-1", "neutral", Map.of("negative", 0.2, "neutral", 0.5, "positive", 0.3),
                        "ad-1@1", 12.5, now));
        List<String> topics = List.of(Topics.PROMPT_RECORDS, Topics.DATASETS, Topics.TRAINING_REQUESTS,
                Topics.CHECKPOINTS, Topics.TWEETS, Topics.SENTIMENTS);
        String suffix = "-" + UUID.randomUUID();

        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(pp, new StringSerializer(),
                new ContractSerde.JsonSerializer<>())) {
            for (int i = 0; i < messages.size(); i++) {
                producer.send(new ProducerRecord<>(topics.get(i) + suffix, "k", messages.get(i))).get();
            }
        }

        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "contracts-test" + suffix);
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        for (int i = 0; i < messages.size(); i++) {
            Object expected = messages.get(i);
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(cp, new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(topics.get(i) + suffix));
                List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (got.isEmpty() && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(got::add);
                }
                assertEquals(1, got.size(), "one record on " + topics.get(i));
                assertEquals(expected, ContractJson.read(got.get(0).value(), expected.getClass()));
            }
        }
    }
}
