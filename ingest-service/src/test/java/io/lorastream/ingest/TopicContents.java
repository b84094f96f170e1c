package io.lorastream.ingest;

import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/** Everything on a (single-partition) topic up to its current end, read through the Kafka Companion. */
public final class TopicContents {
    private TopicContents() {}

    public static List<ConsumerRecord<String, String>> all(KafkaCompanion companion, String topic) {
        if (!companion.topics().list().contains(topic)) {
            return List.of();
        }
        TopicPartition tp = KafkaCompanion.tp(topic, 0);
        long end = companion.offsets().get(tp, OffsetSpec.latest()).offset();
        if (end == 0) {
            return List.of();
        }
        return companion.consumeStrings().fromOffsets(Map.of(tp, 0L), end)
                .awaitCompletion(Duration.ofSeconds(60)).getRecords();
    }

    public static List<ConsumerRecord<String, String>> withKey(KafkaCompanion companion, String topic, String key) {
        return all(companion, topic).stream().filter(r -> key.equals(r.key())).toList();
    }
}
