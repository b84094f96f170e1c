package io.lorastream.testing;

import io.quarkus.test.kafka.KafkaCompanionResource;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.util.Map;

/**
 * Quarkus test resource: points the application at {@link SharedKafka} (no Docker) and injects a
 * {@link KafkaCompanion} into fields annotated {@code @InjectKafkaCompanion}, like the stock
 * {@link KafkaCompanionResource} does with a container.
 */
public class KafkaBrokerResource extends KafkaCompanionResource {

    @Override
    public void init(Map<String, String> initArgs) {
        // the stock resource builds a Strimzi container here; we use the shared in-JVM broker
    }

    @Override
    public Map<String, String> start() {
        String bootstrap = SharedKafka.bootstrapServers();
        kafkaCompanion = new KafkaCompanion(bootstrap);
        return Map.of("kafka.bootstrap.servers", bootstrap,
                "mp.messaging.connector.smallrye-kafka.bootstrap.servers", bootstrap);
    }

    @Override
    public void stop() {
        if (kafkaCompanion != null) {
            kafkaCompanion.close();
        }
    }
}
