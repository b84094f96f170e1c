package io.lorastream.deploy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.ContainerState;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The docker-compose stack, up for real: images built from this project, profile cpu, the tiny
 * stories260K model from ../shared/models as the base model. Runs where a Docker engine answers
 * (with the compose plugin); skipped cleanly elsewhere.
 */
@Testcontainers(disabledWithoutDocker = true)
class DockerComposeStackTest {
    private static final Map<String, Integer> PORTS = Map.of("ingest-service", 8081, "trainer-service", 8082, "inference-service", 8083);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static ComposeContainer stack;

    @BeforeAll
    static void startStack() throws IOException {
        Path root = RepoLayout.root();
        for (String service : PORTS.keySet()) {
            // the images copy target/quarkus-app: `./mvnw verify` packages the services before this module
            assumeTrue(Files.isRegularFile(root.resolve(service).resolve("target/quarkus-app/quarkus-run.jar")),
                    service + " is not packaged: run ./mvnw -B package -DskipTests first");
        }
        Path shared = Path.of(System.getProperty("lorastream.shared", root.resolve("../shared").toString())).toAbsolutePath().normalize();
        Map<String, String> env = new HashMap<>();
        env.put("COMPOSE_PROFILES", "cpu");
        env.put("LORASTREAM_LOCAL_MODELS_DIR", shared.resolve("models").toString());
        env.put("LORASTREAM_LOCAL_DATA_DIR", shared.resolve("data").toString());
        env.put("LORASTREAM_BASE_MODEL", "/models/stories260K-hf");
        env.put("LORASTREAM_INFERENCE_MODEL_PATH", "/models/stories260K-hf");
        // free host ports, so that a developer's own Kafka, PostgreSQL or services do not collide
        for (String port : new String[] {"LORASTREAM_KAFKA_PORT", "LORASTREAM_POSTGRES_PORT", "LORASTREAM_INGEST_PORT",
                "LORASTREAM_TRAINER_PORT", "LORASTREAM_INFERENCE_PORT"}) {
            env.put(port, String.valueOf(freePort()));
        }
        stack = new ComposeContainer(root.resolve("docker-compose.yml").toFile())
                .withEnv(env)
                .withBuild(true)
                .withRemoveVolumes(true)
                .withStartupTimeout(Duration.ofMinutes(15));
        PORTS.forEach((service, port) -> stack.withExposedService(service, port,
                Wait.forHttp("/q/health/ready").forStatusCode(200).withStartupTimeout(Duration.ofMinutes(15))));
        stack.start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) stack.stop();
    }

    @Test
    void everyServiceIsReadyAndServesMetricsAndOpenApi() throws Exception {
        for (Map.Entry<String, Integer> service : PORTS.entrySet()) {
            String base = "http://" + stack.getServiceHost(service.getKey(), service.getValue()) + ":"
                    + stack.getServicePort(service.getKey(), service.getValue());
            HttpResponse<String> ready = get(base + "/q/health/ready");
            assertEquals(200, ready.statusCode(), service.getKey() + " " + ready.body());
            assertTrue(ready.body().contains("\"UP\""), ready.body());
            assertTrue(get(base + "/q/metrics").body().contains("# TYPE"), service.getKey() + " Prometheus metrics");
            assertEquals(200, get(base + "/q/openapi").statusCode(), service.getKey() + " OpenAPI");
        }
    }

    @Test
    void kafkaInitCreatedTheTopicsWithTheirPartitions() throws Exception {
        ContainerState kafka = stack.getContainerByServiceName("kafka").orElseThrow();
        ExecResult tweets = kafka.execInContainer("/opt/kafka/bin/kafka-topics.sh", "--bootstrap-server", "localhost:29092",
                "--describe", "--topic", "lorastream.tweets");
        assertTrue(tweets.getStdout().contains("PartitionCount: 3"), tweets.getStdout() + tweets.getStderr());
        ExecResult list = kafka.execInContainer("/opt/kafka/bin/kafka-topics.sh", "--bootstrap-server", "localhost:29092", "--list");
        for (String topic : io.lorastream.contracts.Topics.ALL) {
            assertTrue(list.getStdout().contains(topic + "\n"), topic);
            assertTrue(list.getStdout().contains(io.lorastream.contracts.Topics.dlq(topic)), topic + ".dlq");
        }
    }

    @Test
    void postgresHoldsOneDatabasePerService() throws Exception {
        ContainerState postgres = stack.getContainerByServiceName("postgres").orElseThrow();
        ExecResult databases = postgres.execInContainer("psql", "-U", "lorastream", "-d", "lorastream", "-Atc",
                "select datname from pg_database order by 1");
        for (String database : new String[] {"lorastream_ingest", "lorastream_trainer", "lorastream_inference"}) {
            assertTrue(databases.getStdout().lines().anyMatch(database::equals), databases.getStdout());
        }
        // each service ran its Flyway migrations into its own database
        for (String database : new String[] {"lorastream_ingest", "lorastream_trainer", "lorastream_inference"}) {
            ExecResult history = postgres.execInContainer("psql", "-U", "lorastream", "-d", database, "-Atc",
                    "select count(*) from flyway_schema_history where success");
            assertTrue(Integer.parseInt(history.getStdout().strip()) >= 1, database + ": " + history.getStderr());
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
