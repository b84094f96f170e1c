package io.lorastream.testing;

/**
 * The Kafka every test in a JVM talks to: {@code KAFKA_BOOTSTRAP_SERVERS} when set (an external
 * broker), otherwise one in-JVM {@link KraftBroker} started on first use and stopped at JVM exit.
 * Sharing one broker across test classes and Quarkus test profiles saves its start-up each time.
 */
public final class SharedKafka {
    private static String bootstrap;

    private SharedKafka() {}

    public static synchronized String bootstrapServers() {
        if (bootstrap == null) {
            String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
            if (external != null && !external.isBlank()) {
                bootstrap = external;
            } else {
                KraftBroker broker = KraftBroker.start();
                Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "test-kafka-shutdown"));
                bootstrap = broker.bootstrapServers();
            }
        }
        return bootstrap;
    }
}
