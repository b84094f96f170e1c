package io.lorastream.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one process), bound to
 * loopback on free ports. Runs inside a test JVM, or on its own through {@link #main} for the local
 * stack. Never uses {@code kafka.Kafka.main} or {@code StorageTool.main}: both call System.exit.
 */
public final class KraftBroker implements AutoCloseable {
    private final Path logDir;
    private final boolean deleteOnClose;
    private final int brokerPort;
    private final KafkaRaftServer server;

    private KraftBroker(Path logDir, boolean deleteOnClose, int brokerPort, int controllerPort) throws Exception {
        this.logDir = logDir;
        this.deleteOnClose = deleteOnClose;
        this.brokerPort = brokerPort;
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "true");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "3");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "3");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        p.put("message.max.bytes", Integer.toString(8 * 1024 * 1024));
        KafkaConfig config = new KafkaConfig(p, false);

        boolean formatted = Files.exists(logDir.resolve("meta.properties"));
        if (!formatted) {
            new Formatter()
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(logDir.toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setHasDynamicQuorum(false)
                    .setPrintStream(System.out)
                    .run();
        }
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
    }

    /** Starts a broker with a fresh temporary log directory, deleted on close. */
    public static KraftBroker start() {
        try {
            return new KraftBroker(Files.createTempDirectory("lorastream-kafka-"), true, freePort(), freePort());
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the in-JVM Kafka broker: " + e.getMessage(), e);
        }
    }

    /** Starts (or restarts) a broker whose data lives in {@code logDir} on the given ports. */
    public static KraftBroker start(Path logDir, int brokerPort, int controllerPort) throws Exception {
        Files.createDirectories(logDir);
        return new KraftBroker(logDir, false, brokerPort, controllerPort);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (deleteOnClose) {
            deleteRecursively(logDir);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory; leftovers are harmless
        }
    }

    /**
     * Runs a broker until killed: {@code KraftBroker <logDir> <brokerPort> <controllerPort>}. Prints
     * {@code READY <bootstrap>} once it accepts clients. Used by the local stack ({@code bin/lorastream}).
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "var/kafka");
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 9092;
        int cport = args.length > 2 ? Integer.parseInt(args[2]) : 9093;
        KraftBroker broker = start(dir, port, cport);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-shutdown"));
        System.out.println("READY " + broker.bootstrapServers());
        Thread.currentThread().join();
    }
}
