package io.lorastream.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lorastream.contracts.CheckpointEvent;
import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.HyperParameters;
import io.lorastream.contracts.Topics;
import io.lorastream.contracts.TrainingRequest;
import io.lorastream.testing.SharedAssets;
import io.lorastream.testing.SharedKafka;
import io.lorastream.testing.TestDatabases;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * kill -9 for real: the packaged trainer ({@code java -jar target/quarkus-app/quarkus-run.jar}) trains
 * stories260K from Kafka, is killed with SIGKILL right after its first checkpoint, restarted, and
 * resumes from that checkpoint. Its final adapter (and every later checkpoint and the whole loss curve)
 * must be bit-identical to an uninterrupted run of the same request. Runs in {@code verify} (failsafe),
 * after {@code package}; the broker lives in this JVM, the database is a real PostgreSQL.
 */
class TrainerResumeIT {
    private static final Path JAR = Path.of(System.getProperty("trainer.jar", "target/quarkus-app/quarkus-run.jar"));
    private static final Path WORK = Path.of("target", "resume-it").toAbsolutePath();
    private static final String DATABASE = "lorastream_trainer_it";
    private static final Duration PATIENCE = Duration.ofMinutes(6);

    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<Integer, CheckpointEvent> seen = new TreeMap<>();
    private Process trainer;
    private int port;

    @AfterEach
    void stop() throws InterruptedException {
        if (trainer != null && trainer.isAlive()) {
            trainer.destroy();
            trainer.waitFor();
        }
    }

    @Test
    void aTrainerKilledMidRunResumesToABitIdenticalAdapter() throws Exception {
        assertTrue(Files.exists(JAR), JAR + " is missing: this test runs after `mvn package` (mvn verify)");
        String jdbc = freshDatabase();
        Path artifacts = WORK.resolve("artifacts-" + UUID.randomUUID().toString().substring(0, 8));
        String bootstrap = SharedKafka.bootstrapServers();
        port = freePort();
        Map<String, String> env = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                "QUARKUS_DATASOURCE_JDBC_URL", jdbc,
                "QUARKUS_DATASOURCE_USERNAME", TestDatabases.username(),
                "QUARKUS_DATASOURCE_PASSWORD", TestDatabases.password(),
                "QUARKUS_HTTP_PORT", Integer.toString(port),
                "LORASTREAM_TRAINER_BASE_MODEL", SharedAssets.stories260K().toString(),
                "LORASTREAM_TRAINER_ARTIFACT_DIR", artifacts.toString(),
                "LORASTREAM_TRAINER_HUB_CACHE_DIR", WORK.resolve("model-cache").toString(),
                "LORASTREAM_TRAINER_DEVICE", "cpu");

        TestData.Dataset data = TestData.tweetEval("resume", 40, 4);
        HyperParameters hp = TestData.steps(40, 10);
        TrainingRequest interrupted = TestData.request(data.id(), hp);
        try (KafkaProducer<String, String> producer = producer(bootstrap);
                KafkaConsumer<String, String> checkpoints = consumer(bootstrap)) {
            trainer = launch(env, "first");
            for (ProducerRecord<String, String> r : TestData.recordMessages(data)) {
                producer.send(r);
            }
            producer.send(TestData.sealMessage(data));
            producer.send(TestData.requestMessage(interrupted)).get();

            // SIGKILL as soon as the first checkpoint is out: no shutdown hook, no graceful stop
            CheckpointEvent first = awaitCheckpoint(checkpoints, e -> true);
            trainer.destroyForcibly().waitFor();
            String runId = first.runId();
            Map<String, Object> killed = row(jdbc, "select status, completed_steps from training_run where id = '" + runId + "'");
            assertEquals("RUNNING", killed.get("status"), "the killed process left its run RUNNING");
            int stepAtKill = ((Number) killed.get("completed_steps")).intValue();
            assertTrue(stepAtKill < hp.maxSteps(), "the run must still be mid-way when killed (was at step " + stepAtKill + ")");

            // restart: the run resumes from its last checkpoint and completes
            trainer = launch(env, "second");
            CheckpointEvent lastOfResumed = awaitCheckpoint(checkpoints, e -> e.runId().equals(runId) && e.finalCheckpoint());
            JsonNode resumed = awaitCompleted(runId); // the final event goes out just before the run is marked

            assertEquals(1, resumed.path("resumeCount").asInt());
            int resumedFrom = resumed.path("resumedFromStep").asInt();
            assertTrue(resumedFrom >= first.step() && resumedFrom % hp.evalEverySteps() == 0 && resumedFrom < hp.maxSteps(),
                    "resumed from a checkpoint step, was " + resumedFrom);

            // the same request again, uninterrupted, on the same trainer
            TrainingRequest uninterrupted = TestData.request(data.id(), hp);
            String referenceId = post("/runs", ContractJson.writeString(uninterrupted)).path("id").asText();
            CheckpointEvent lastOfReference = awaitCheckpoint(checkpoints,
                    e -> e.runId().equals(referenceId) && e.finalCheckpoint());
            JsonNode reference = awaitCompleted(referenceId);
            assertEquals(0, reference.path("resumeCount").asInt());

            assertEquals(lastOfReference.adapterSha256(), lastOfResumed.adapterSha256(),
                    "the resumed run's final adapter is bit-identical to the uninterrupted run's");
            assertEquals(shaByStep(reference), shaByStep(resumed), "every checkpoint matches, before and after the kill");
            assertEquals(reference.path("lossCurve").findValuesAsText("loss"), resumed.path("lossCurve").findValuesAsText("loss"),
                    "the loss curves are identical step for step");
            assertEquals(hp.maxSteps(), resumed.path("lossCurve").size());
        }
    }

    private static Map<Integer, String> shaByStep(JsonNode run) {
        Map<Integer, String> out = new TreeMap<>();
        run.path("checkpoints").forEach(c -> out.put(c.path("step").asInt(), c.path("adapterSha256").asText()));
        return out;
    }

    private Process launch(Map<String, String> env, String name) throws Exception {
        Files.createDirectories(WORK);
        Path log = WORK.resolve("trainer-" + name + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx1g", "-jar", JAR.toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().putAll(Map.of("DJL_OFFLINE", "true", "OPT_OUT_TRACKING", "true", "RUST_FLAVOR", "cpu",
                "OMP_WAIT_POLICY", "PASSIVE"));
        Process p = pb.start();
        Instant deadline = Instant.now().plus(PATIENCE);
        while (Instant.now().isBefore(deadline)) {
            if (!p.isAlive()) {
                throw new AssertionError("the trainer exited with " + p.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return p;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the trainer did not become ready; see " + log);
    }

    private CheckpointEvent awaitCheckpoint(KafkaConsumer<String, String> consumer, Predicate<CheckpointEvent> match)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (Instant.now().isBefore(deadline)) {
            for (CheckpointEvent e : seen.values()) {
                if (match.test(e)) {
                    return e;
                }
            }
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                CheckpointEvent e = ContractJson.read(r.value(), CheckpointEvent.class);
                seen.putIfAbsent(e.version(), e); // a checkpoint recorded before a kill may be published twice
            }
            if (trainer != null && !trainer.isAlive()) {
                throw new AssertionError("the trainer died; see the logs in " + WORK);
            }
        }
        throw new AssertionError("no matching checkpoint event within " + PATIENCE + "; seen " + seen.values());
    }

    private JsonNode awaitCompleted(String runId) throws Exception {
        Instant deadline = Instant.now().plus(PATIENCE);
        JsonNode run = get("/runs/" + runId);
        while (!run.path("status").asText().equals("COMPLETED") && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            run = get("/runs/" + runId);
        }
        assertEquals("COMPLETED", run.path("status").asText(), run.toString());
        return run;
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return ContractJson.mapper().readTree(r.body());
    }

    private JsonNode post(String path, String json) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
        JsonNode body = ContractJson.mapper().readTree(r.body());
        assertNotNull(body.get("id"));
        return body;
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** The IT's own database, emptied: Flyway builds the schema when the trainer starts. */
    private static String freshDatabase() throws Exception {
        String url = TestDatabases.jdbcUrl(DATABASE);
        try (Connection c = DriverManager.getConnection(url, TestDatabases.username(), TestDatabases.password());
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS public CASCADE");
            s.execute("CREATE SCHEMA public");
        }
        return url;
    }

    private static Map<String, Object> row(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, TestDatabases.username(), TestDatabases.password());
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), "no row for " + sql);
            Map<String, Object> row = new HashMap<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
            }
            return row;
        }
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "resume-it-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        c.subscribe(List.of(Topics.CHECKPOINTS));
        return c;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
