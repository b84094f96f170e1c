package io.lorastream.deploy;

import io.lorastream.contracts.Topics;
import io.lorastream.deploy.ComposeFile.Mount;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docker-compose.yml validated by {@code docker-compose config}, then checked on the resolved output. */
class DockerComposeConfigTest {
    private static final Set<String> APPS = Set.of("ingest-service", "trainer-service", "trainer-service-gpu", "inference-service");
    private static final Pattern PINNED = Pattern.compile("[a-z0-9./-]+:\\d+(\\.\\d+)+([-_][A-Za-z0-9.]+)*");

    @Test
    void definesTheStackWithPinnedImagesBuiltFromThisProject() {
        ComposeFile compose = ComposeFile.resolvedWithDefaults();
        assertEquals(new TreeSet<>(Set.of("kafka", "kafka-init", "postgres", "ingest-service", "trainer-service",
                "trainer-service-gpu", "inference-service")), new TreeSet<>(compose.services().keySet()));
        compose.services().forEach((name, raw) -> {
            String image = (String) ((Map<?, ?>) raw).get("image");
            assertNotNull(image, name + " names no image");
            assertTrue(PINNED.matcher(image).matches(), name + " image " + image + " is not pinned to a version");
        });
        assertEquals("apache/kafka:4.1.0", compose.service("kafka").get("image"));
        assertEquals(compose.service("kafka").get("image"), compose.service("kafka-init").get("image"));

        for (String service : RepoLayout.SERVICES) {
            Map<String, Object> build = ComposeFile.map(compose.service(service), "build");
            assertNotNull(build, service + " is built from this project");
            assertEquals(RepoLayout.root().resolve(service).toString(), build.get("context"), service + " build context");
            assertEquals("src/main/docker/Dockerfile.jvm", build.get("dockerfile"));
            assertTrue(Files.isRegularFile(RepoLayout.dockerfile(service)), RepoLayout.dockerfile(service) + " exists");
            assertEquals("lorastream/" + service + ":0.1.0", compose.service(service).get("image"));
        }
        // the GPU trainer's image is built by hand (2.46 GB of CUDA libtorch), never by compose
        assertNull(compose.service("trainer-service-gpu").get("build"));
        assertEquals("lorastream/trainer-service:0.1.0-cu124", compose.service("trainer-service-gpu").get("image"));
        assertTrue(Files.isRegularFile(RepoLayout.root().resolve("trainer-service/src/main/docker/Dockerfile.jvm-cu124")));
    }

    @Test
    void trainerRunsOnAnNvidiaGpuInProfileGpuAndOnCpuInProfileCpu() {
        ComposeFile compose = ComposeFile.resolvedWithDefaults();
        Map<String, Object> gpu = compose.service("trainer-service-gpu");
        assertEquals(List.of("gpu"), gpu.get("profiles"));
        List<Map<String, Object>> devices = ComposeFile.at(gpu, "deploy", "resources", "reservations", "devices");
        assertNotNull(devices, "GPU trainer reserves a device");
        assertEquals(1, devices.size());
        Map<String, Object> device = devices.get(0);
        assertEquals("nvidia", device.get("driver"));
        assertEquals(1, ((Number) device.get("count")).intValue());
        assertEquals(List.of("gpu"), device.get("capabilities"));
        Map<String, String> gpuEnv = compose.environment("trainer-service-gpu");
        assertEquals("/opt/libtorch", gpuEnv.get("PYTORCH_LIBRARY_PATH"));
        assertEquals("2.5.1", gpuEnv.get("PYTORCH_VERSION"));
        assertEquals("cu124", gpuEnv.get("PYTORCH_FLAVOR"));
        assertEquals("cpu", gpuEnv.get("RUST_FLAVOR"));
        // the other services keep finding the trainer under one name, whichever profile runs
        assertEquals(List.of("trainer-service"), ComposeFile.at(gpu, "networks", "default", "aliases"));

        Map<String, Object> cpu = compose.service("trainer-service");
        assertEquals(List.of("cpu"), cpu.get("profiles"));
        assertNull(ComposeFile.at(cpu, "deploy", "resources", "reservations", "devices"), "CPU trainer reserves no GPU");
        assertFalse(compose.environment("trainer-service").containsKey("PYTORCH_FLAVOR"));
        // everything else runs whichever profile is chosen
        for (String always : List.of("kafka", "kafka-init", "postgres", "ingest-service", "inference-service")) {
            assertNull(compose.service(always).get("profiles"), always + " belongs to no profile");
        }
    }

    @Test
    void everyLongRunningServiceHasAHealthcheckAndStartsAfterItsDependencies() {
        ComposeFile compose = ComposeFile.resolvedWithDefaults();
        Map<String, Integer> ports = Map.of("ingest-service", 8081, "trainer-service", 8082,
                "trainer-service-gpu", 8082, "inference-service", 8083);
        for (String name : compose.services().keySet()) {
            if (name.equals("kafka-init")) continue;
            List<String> test = ComposeFile.at(compose.service(name), "healthcheck", "test");
            assertNotNull(test, name + " has no healthcheck");
            assertTrue(test.get(0).startsWith("CMD"), name + " healthcheck " + test);
        }
        for (String app : APPS) {
            String check = String.join(" ", ComposeFile.<List<String>>at(compose.service(app), "healthcheck", "test"));
            assertTrue(check.contains("http://localhost:" + ports.get(app) + "/q/health/ready"), app + ": " + check);
            assertEquals("service_healthy", ComposeFile.at(compose.service(app), "depends_on", "postgres", "condition"), app);
            assertEquals("service_completed_successfully",
                    ComposeFile.at(compose.service(app), "depends_on", "kafka-init", "condition"), app);
        }
        assertEquals("service_healthy", ComposeFile.at(compose.service("kafka-init"), "depends_on", "kafka", "condition"));
        assertTrue(String.join(" ", ComposeFile.<List<String>>at(compose.service("kafka"), "healthcheck", "test"))
                .contains("kafka-broker-api-versions.sh"));
        assertTrue(String.join(" ", ComposeFile.<List<String>>at(compose.service("postgres"), "healthcheck", "test"))
                .contains("pg_isready"));
    }

    @Test
    void modelCacheAndAdaptersLiveOnNamedVolumesWhereTheServicesLookForThem() {
        ComposeFile compose = ComposeFile.resolvedWithDefaults();
        assertEquals(Set.of("model-cache", "adapters", "djl-cache", "pgdata"), ComposeFile.map(compose.root, "volumes").keySet());
        for (String trainer : List.of("trainer-service", "trainer-service-gpu")) {
            Map<String, String> env = compose.environment(trainer);
            assertEquals("model-cache", mount(compose, trainer, env.get("LORASTREAM_TRAINER_HUB_CACHE_DIR")).source(), trainer);
            Mount adapters = mount(compose, trainer, env.get("LORASTREAM_TRAINER_ARTIFACT_DIR"));
            assertEquals("adapters", adapters.source(), trainer);
            assertFalse(adapters.readOnly(), trainer + " writes adapters");
            assertEquals("djl-cache", mount(compose, trainer, env.get("DJL_CACHE_DIR")).source(), trainer + " DJL natives cache");
            assertTrue(mount(compose, trainer, "/models").readOnly(), trainer + " local models are read only");
            assertEquals("http://trainer-service:8082", env.get("LORASTREAM_TRAINER_PUBLIC_URL"), "adapters served over HTTP");
        }
        Map<String, String> trainerEnv = compose.environment("trainer-service");
        Map<String, String> inferenceEnv = compose.environment("inference-service");
        String modelPath = inferenceEnv.get("LORASTREAM_INFERENCE_MODEL_PATH");
        // where the trainer's hub cache puts its default base model: <cache>/<owner>--<name>/<revision>
        assertEquals(trainerEnv.get("LORASTREAM_TRAINER_HUB_CACHE_DIR") + "/"
                + trainerEnv.get("LORASTREAM_TRAINER_BASE_MODEL").replace("/", "--") + "/main", modelPath);
        assertEquals("model-cache", mount(compose, "inference-service", "/data/models").source());
        assertEquals("djl-cache", mount(compose, "inference-service", inferenceEnv.get("DJL_CACHE_DIR")).source());
        assertTrue(compose.mounts("inference-service").stream().noneMatch(m -> m.source().equals("adapters")),
                "inference fetches adapters over HTTP, it mounts no adapters volume");
        Mount datasets = mount(compose, "ingest-service", compose.environment("ingest-service").get("LORASTREAM_INGEST_DIR_ROOT"));
        assertTrue(datasets.readOnly(), "local datasets are read only");

        Mount initSql = mount(compose, "postgres", "/docker-entrypoint-initdb.d/01-databases.sql");
        String sql = RepoLayout.read(Path.of(initSql.source()));
        assertEquals("pgdata", mount(compose, "postgres", "/var/lib/postgresql/data").source());
        for (String service : RepoLayout.SERVICES) {
            String database = "lorastream_" + service.substring(0, service.indexOf('-'));
            assertTrue(sql.contains("CREATE DATABASE " + database + ";"), "init SQL creates " + database);
            assertEquals("jdbc:postgresql://postgres:5432/" + database,
                    compose.environment(service).get("QUARKUS_DATASOURCE_JDBC_URL"), service);
        }
        assertTrue(String.join(" ", ComposeFile.<List<String>>at(compose.service("postgres"), "healthcheck", "test"))
                .contains("lorastream_inference"), "healthy only once the init script created the last database");
    }

    @Test
    void topicsAreCreatedWithThePartitionsOfTheContracts() {
        ComposeFile compose = ComposeFile.resolvedWithDefaults();
        Map<String, Integer> created = new TreeMap<>();
        for (String spec : compose.environment("kafka-init").get("LORASTREAM_TOPICS").trim().split("\\s+")) {
            String[] parts = spec.split(":");
            created.put(parts[0], Integer.parseInt(parts[1]));
        }
        Map<String, Integer> expected = new TreeMap<>();
        for (String topic : Topics.ALL) {
            expected.put(topic, Topics.defaultPartitions(topic));
            expected.put(Topics.dlq(topic), Topics.defaultPartitions(Topics.dlq(topic)));
        }
        assertEquals(expected, created, "kafka-init topics (shared/notes/decisions.md)");
        assertEquals(expected, KustomizeOverlaysTest.topicPartitions(RenderedManifests.overlay("cpu")),
                "compose and Kubernetes create the same topics");

        List<String> entrypoint = ComposeFile.at(compose.service("kafka-init"), "entrypoint");
        Mount script = mount(compose, "kafka-init", entrypoint.get(entrypoint.size() - 1));
        assertTrue(RepoLayout.read(Path.of(script.source())).contains("--if-not-exists"), "topic creation is idempotent");
        assertEquals("false", compose.environment("kafka").get("KAFKA_AUTO_CREATE_TOPICS_ENABLE"));
        assertEquals("broker,controller", compose.environment("kafka").get("KAFKA_PROCESS_ROLES"), "KRaft combined node");
    }

    @Test
    void servicesShareOneConfigurationAndReachKafkaOnItsInternalListener() {
        ComposeFile compose = ComposeFile.resolvedWithDefaults();
        Map<String, String> kafka = compose.environment("kafka");
        String internal = Arrays.stream(kafka.get("KAFKA_ADVERTISED_LISTENERS").split(","))
                .filter(l -> l.startsWith(kafka.get("KAFKA_INTER_BROKER_LISTENER_NAME") + "://"))
                .findFirst().orElseThrow().replaceFirst("^[A-Z]+://", "");
        assertEquals(internal, compose.environment("kafka-init").get("KAFKA_BOOTSTRAP_SERVERS"));
        Map<String, String> postgres = compose.environment("postgres");
        for (String app : APPS) {
            Map<String, String> env = compose.environment(app);
            assertEquals(internal, env.get("KAFKA_BOOTSTRAP_SERVERS"), app);
            assertEquals(postgres.get("POSTGRES_USER"), env.get("QUARKUS_DATASOURCE_USERNAME"), app);
            assertEquals(postgres.get("POSTGRES_PASSWORD"), env.get("QUARKUS_DATASOURCE_PASSWORD"), app);
            assertEquals("true", env.get("DJL_OFFLINE"), app);
            assertEquals("true", env.get("OPT_OUT_TRACKING"), app);
            assertEquals("cpu", env.get("RUST_FLAVOR"), app);
        }
        // host ports stay on loopback: the stack is for one machine
        compose.services().forEach((name, raw) -> {
            Object ports = ((Map<?, ?>) raw).get("ports");
            if (ports == null) return;
            for (Object port : (List<?>) ports) {
                String text = port instanceof Map<?, ?> m ? String.valueOf(m.get("host_ip")) : String.valueOf(port);
                assertTrue(text.startsWith("127.0.0.1"), name + " publishes " + port + " beyond loopback");
            }
        });
    }

    @Test
    void overridesReachTheResolvedFile() {
        String yaml = ExternalTool.DOCKER_COMPOSE.run(RepoLayout.root(), env -> {
            env.keySet().removeIf(k -> k.startsWith("LORASTREAM_") || k.startsWith("COMPOSE_"));
            env.put("LORASTREAM_BASE_MODEL", "/models/stories260K-hf");
            env.put("LORASTREAM_INFERENCE_MODEL_PATH", "/models/stories260K-hf");
            env.put("LORASTREAM_DB_PASSWORD", "s3cret");
            env.put("LORASTREAM_INFERENCE_PORT", "18083");
        }, "config");
        ComposeFile compose = ComposeFile.parse(yaml);
        assertEquals("/models/stories260K-hf", compose.environment("trainer-service").get("LORASTREAM_TRAINER_BASE_MODEL"));
        assertEquals("/models/stories260K-hf", compose.environment("trainer-service-gpu").get("LORASTREAM_TRAINER_BASE_MODEL"));
        assertEquals("/models/stories260K-hf", compose.environment("inference-service").get("LORASTREAM_INFERENCE_MODEL_PATH"));
        assertEquals("s3cret", compose.environment("postgres").get("POSTGRES_PASSWORD"));
        assertEquals("s3cret", compose.environment("ingest-service").get("QUARKUS_DATASOURCE_PASSWORD"));
        assertTrue(String.valueOf(compose.service("inference-service").get("ports")).contains("18083"));
    }

    @Test
    void aBrokenFileIsRejectedByTheValidator() throws Exception {
        // the validation is real: docker-compose refuses what it cannot run
        Path dir = Files.createTempDirectory("lorastream-compose");
        try {
            Files.writeString(dir.resolve("docker-compose.yml"), "services:\n  broken:\n    image: busybox:1.36\n    ports: 8080\n");
            ExternalTool.Result result = ExternalTool.DOCKER_COMPOSE.runAllowingFailure(dir, env -> {}, "config");
            assertTrue(result.exitCode() != 0, "docker-compose config accepted an invalid file:\n" + result.stdout());
        } finally {
            Files.deleteIfExists(dir.resolve("docker-compose.yml"));
            Files.deleteIfExists(dir);
        }
    }

    private static Mount mount(ComposeFile compose, String service, String target) {
        return compose.mounts(service).stream().filter(m -> m.target().equals(target)).findFirst()
                .orElseThrow(() -> new AssertionError(service + " mounts nothing at " + target));
    }
}
