package io.lorastream.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.lorastream.contracts.Topics;
import io.lorastream.deploy.RenderedManifests.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Renders each overlay with {@code kubectl kustomize}, parses every object with the fabric8 model and
 * checks what a cluster would otherwise only reveal at apply or run time.
 */
class KustomizeOverlaysTest {
    static final String NAMESPACE = "lorastream";
    /** Secrets are referenced, never committed: deploy/README.md tells how to create each one. */
    private static final Pattern CREATE_SECRET =
            Pattern.compile("create secret generic ([a-z0-9-]+)((?:\\s+--from-literal=[A-Za-z0-9_.-]+=\\S+)+)");
    private static final Pattern FROM_LITERAL = Pattern.compile("--from-literal=([A-Za-z0-9_.-]+)=");
    /** A released version: digits and dots, optionally a suffix (16.4-bookworm, 0.1.0-cu124). */
    private static final Pattern VERSION_TAG = Pattern.compile("\\d+(\\.\\d+)+([-_][A-Za-z0-9.]+)*");

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void rendersEveryObjectIntoTheFabric8Model(String overlay) {
        RenderedManifests rendered = RenderedManifests.overlay(overlay);
        Map<String, Long> kinds = rendered.objects.stream()
                .collect(Collectors.groupingBy(HasMetadata::getKind, TreeMap::new, Collectors.counting()));
        assertEquals(new TreeMap<>(Map.ofEntries(
                Map.entry("Namespace", 1L), Map.entry("ConfigMap", 5L), Map.entry("PersistentVolumeClaim", 2L),
                Map.entry("Service", 4L), Map.entry("Deployment", 3L), Map.entry("StatefulSet", 1L),
                Map.entry("HorizontalPodAutoscaler", 1L), Map.entry("Kafka", 1L), Map.entry("KafkaNodePool", 1L),
                Map.entry("KafkaTopic", 12L))), kinds, overlay + ": objects per kind");

        for (HasMetadata object : rendered.objects) {
            String what = object.getKind() + " " + object.getMetadata().getName();
            assertNotNull(object.getApiVersion(), what + " has no apiVersion");
            assertEquals("lorastream", object.getMetadata().getLabels().get("app.kubernetes.io/part-of"), what + " part-of label");
            if (object instanceof Namespace) {
                assertEquals(NAMESPACE, object.getMetadata().getName());
            } else {
                assertEquals(NAMESPACE, object.getMetadata().getNamespace(), what + " namespace");
            }
        }
        // core kinds come back as their typed model; only CRD objects stay generic
        assertEquals(Set.of("Kafka", "KafkaNodePool", "KafkaTopic"), rendered.all(GenericKubernetesResource.class).stream()
                .map(HasMetadata::getKind).collect(Collectors.toSet()));
        assertTrue(rendered.all(Secret.class).isEmpty(), "no Secret is committed: they are created per cluster (deploy/README.md)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void everyContainerHasRequestsAndLimitsWithinThem(String overlay) {
        RenderedManifests rendered = RenderedManifests.overlay(overlay);
        int checked = 0;
        for (Workload workload : rendered.workloads()) {
            for (Container container : workload.allContainers().toList()) {
                String what = overlay + ": " + workload.name() + "/" + container.getName();
                var resources = container.getResources();
                assertNotNull(resources, what + " has no resources");
                assertRequestsWithinLimits(what, resources.getRequests(), resources.getLimits());
                checked++;
            }
        }
        assertEquals(4, checked, "containers in the three Deployments and the StatefulSet");

        // the pods Strimzi creates take their resources from the custom resources
        GenericKubernetesResource pool = rendered.custom("KafkaNodePool").get(0);
        assertRequestsWithinLimits(overlay + ": KafkaNodePool", quantities(pool.get("spec", "resources", "requests")),
                quantities(pool.get("spec", "resources", "limits")));
        GenericKubernetesResource kafka = rendered.custom("Kafka").get(0);
        assertRequestsWithinLimits(overlay + ": topic operator",
                quantities(kafka.get("spec", "entityOperator", "topicOperator", "resources", "requests")),
                quantities(kafka.get("spec", "entityOperator", "topicOperator", "resources", "limits")));
        assertNull(kafka.get("spec", "entityOperator", "userOperator"), "no user operator runs without resources");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void everyImageIsPinnedToAVersion(String overlay) {
        RenderedManifests rendered = RenderedManifests.overlay(overlay);
        Map<String, String> images = new TreeMap<>();
        for (Workload workload : rendered.workloads()) {
            workload.allContainers().forEach(c -> images.put(workload.name() + "/" + c.getName(), c.getImage()));
        }
        images.forEach((where, image) -> {
            int colon = image.lastIndexOf(':');
            assertTrue(colon > image.lastIndexOf('/'), overlay + ": " + where + " image " + image + " has no tag");
            String tag = image.substring(colon + 1);
            assertTrue(VERSION_TAG.matcher(tag).matches(), overlay + ": " + where + " image tag " + tag + " is not a pinned version");
        });
        assertEquals("postgres:16.4-bookworm", images.get("postgres/postgres"));
        assertTrue(images.get("ingest-service/ingest-service").startsWith("lorastream/ingest-service:0.1.0"));
        // Strimzi picks the broker image from the Kafka version: that is the pin
        String kafkaVersion = rendered.custom("Kafka").get(0).get("spec", "kafka", "version");
        assertTrue(VERSION_TAG.matcher(kafkaVersion).matches(), "Kafka version " + kafkaVersion);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void serviceProbesHitQuarkusHealthOnTheHttpPort(String overlay) {
        RenderedManifests rendered = RenderedManifests.overlay(overlay);
        for (String service : RepoLayout.SERVICES) {
            Container container = rendered.workload(service).container(service);
            String what = overlay + ": " + service;
            assertHttpProbe(what + " liveness", container, container.getLivenessProbe(), "/q/health/live");
            assertHttpProbe(what + " readiness", container, container.getReadinessProbe(), "/q/health/ready");
            assertHttpProbe(what + " startup", container, container.getStartupProbe(), "/q/health/started");
        }
        Container postgres = rendered.workload("postgres").container("postgres");
        assertTrue(String.join(" ", postgres.getReadinessProbe().getExec().getCommand()).contains("pg_isready"));
        assertTrue(String.join(" ", postgres.getLivenessProbe().getExec().getCommand()).contains("pg_isready"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void prometheusScrapesEachServiceOnItsMetricsEndpoint(String overlay) {
        RenderedManifests rendered = RenderedManifests.overlay(overlay);
        for (String service : RepoLayout.SERVICES) {
            Workload workload = rendered.workload(service);
            Map<String, String> annotations = workload.template().getMetadata().getAnnotations();
            assertEquals("true", annotations.get("prometheus.io/scrape"), service);
            assertEquals("/q/metrics", annotations.get("prometheus.io/path"), service);
            int httpPort = namedPort(workload.container(service), "http").getContainerPort();
            assertEquals(String.valueOf(httpPort), annotations.get("prometheus.io/port"), service + " scrape port");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void everyReferencedConfigMapKeyClaimAndSecretExists(String overlay) {
        RenderedManifests rendered = RenderedManifests.overlay(overlay);
        Map<String, Set<String>> documentedSecrets = secretsDocumentedInReadme();
        Set<String> secretsUsed = new TreeSet<>();
        for (Workload workload : rendered.workloads()) {
            var spec = workload.template().getSpec();
            for (Volume volume : spec.getVolumes()) {
                if (volume.getConfigMap() != null) rendered.get(ConfigMap.class, volume.getConfigMap().getName());
                if (volume.getPersistentVolumeClaim() != null) {
                    rendered.get(PersistentVolumeClaim.class, volume.getPersistentVolumeClaim().getClaimName());
                }
                assertTrue(volume.getSecret() == null, workload.name() + " mounts a Secret volume");
            }
            Set<String> volumeNames = spec.getVolumes().stream().map(Volume::getName).collect(Collectors.toSet());
            if (workload.owner() instanceof StatefulSet statefulSet) {
                statefulSet.getSpec().getVolumeClaimTemplates().forEach(t -> volumeNames.add(t.getMetadata().getName()));
            }
            for (Container container : workload.allContainers().toList()) {
                String what = overlay + ": " + workload.name() + "/" + container.getName();
                container.getVolumeMounts().forEach(m ->
                        assertTrue(volumeNames.contains(m.getName()), what + " mounts undeclared volume " + m.getName()));
                for (EnvFromSource from : container.getEnvFrom()) {
                    assertNotNull(from.getConfigMapRef(), what + ": envFrom only from ConfigMaps");
                    rendered.get(ConfigMap.class, from.getConfigMapRef().getName());
                }
                for (EnvVar env : container.getEnv()) {
                    if (env.getValueFrom() == null) continue;
                    var configKey = env.getValueFrom().getConfigMapKeyRef();
                    if (configKey != null) {
                        assertTrue(rendered.configMapData(configKey.getName()).containsKey(configKey.getKey()),
                                what + " env " + env.getName() + ": ConfigMap " + configKey.getName() + " has no key " + configKey.getKey());
                    }
                    var secretKey = env.getValueFrom().getSecretKeyRef();
                    if (secretKey != null) {
                        Set<String> keys = documentedSecrets.get(secretKey.getName());
                        assertNotNull(keys, what + " env " + env.getName() + " reads Secret " + secretKey.getName()
                                + ", which deploy/README.md does not tell how to create");
                        assertTrue(keys.contains(secretKey.getKey()), what + ": README creates " + secretKey.getName()
                                + " without key " + secretKey.getKey());
                        secretsUsed.add(secretKey.getName());
                    }
                }
            }
        }
        assertEquals(documentedSecrets.keySet(), secretsUsed, "the README documents exactly the Secrets the manifests read");

        // the database password is required; the Hugging Face token only for gated models
        EnvVar hfToken = env(rendered.workload("trainer-service").container("trainer-service"), "LORASTREAM_TRAINER_HUB_TOKEN");
        assertEquals(Boolean.TRUE, hfToken.getValueFrom().getSecretKeyRef().getOptional(), "the Hugging Face token is optional");
        EnvVar dbPassword = env(rendered.workload("ingest-service").container("ingest-service"), "QUARKUS_DATASOURCE_PASSWORD");
        assertFalse(Boolean.TRUE.equals(dbPassword.getValueFrom().getSecretKeyRef().getOptional()), "the DB password is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void servicesSelectExistingPodsAndTheirNamedPorts(String overlay) {
        RenderedManifests rendered = RenderedManifests.overlay(overlay);
        for (Service service : rendered.services()) {
            Map<String, String> selector = service.getSpec().getSelector();
            String what = overlay + ": Service " + service.getMetadata().getName();
            assertFalse(selector == null || selector.isEmpty(), what + " selects nothing");
            List<Workload> selected = rendered.workloads().stream()
                    .filter(w -> w.template().getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
                    .toList();
            assertEquals(1, selected.size(), what + " selects " + selected.stream().map(Workload::name).toList());
            Workload workload = selected.get(0);
            // a Deployment's selector must match its own template too, or the API server rejects it
            Map<String, String> ownSelector = workload.owner() instanceof Deployment d
                    ? d.getSpec().getSelector().getMatchLabels()
                    : ((StatefulSet) workload.owner()).getSpec().getSelector().getMatchLabels();
            assertTrue(workload.template().getMetadata().getLabels().entrySet().containsAll(ownSelector.entrySet()),
                    workload.name() + " selector does not match its template");
            for (ServicePort port : service.getSpec().getPorts()) {
                IntOrString target = port.getTargetPort();
                boolean served = workload.allContainers().flatMap(c -> c.getPorts().stream()).anyMatch(p ->
                        target.getStrVal() != null ? target.getStrVal().equals(p.getName())
                                : Objects.equals(target.getIntVal(), p.getContainerPort()));
                assertTrue(served, what + " targets port " + target + " that no container of " + workload.name() + " declares");
            }
        }
        StatefulSet postgres = rendered.get(StatefulSet.class, "postgres");
        Service governing = rendered.get(Service.class, postgres.getSpec().getServiceName());
        assertEquals("None", governing.getSpec().getClusterIP(), "a StatefulSet's governing Service is headless");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void autoscalerTargetsTheInferenceDeploymentWithinTheTweetPartitions(String overlay) {
        RenderedManifests rendered = RenderedManifests.overlay(overlay);
        List<HorizontalPodAutoscaler> autoscalers = rendered.all(HorizontalPodAutoscaler.class);
        assertEquals(1, autoscalers.size());
        HorizontalPodAutoscaler hpa = autoscalers.get(0);
        var target = hpa.getSpec().getScaleTargetRef();
        assertEquals("apps/v1", target.getApiVersion());
        assertEquals("Deployment", target.getKind());
        assertEquals("inference-service", target.getName());
        Deployment inference = rendered.get(Deployment.class, target.getName());

        int tweetPartitions = topicPartitions(rendered).get(Topics.TWEETS);
        assertTrue(hpa.getSpec().getMinReplicas() >= 1 && hpa.getSpec().getMinReplicas() <= hpa.getSpec().getMaxReplicas());
        assertTrue(hpa.getSpec().getMaxReplicas() <= tweetPartitions,
                "more inference replicas than " + Topics.TWEETS + " partitions would idle in the consumer group");
        var metric = hpa.getSpec().getMetrics().get(0);
        assertEquals("cpu", metric.getResource().getName());
        // Utilization is measured against requests: the target container must request CPU
        assertNotNull(inference.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getRequests().get("cpu"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void kafkaRunsInKraftModeWithTopicsAsTheContractsSay(String overlay) {
        RenderedManifests rendered = RenderedManifests.overlay(overlay);
        GenericKubernetesResource kafka = rendered.custom("Kafka").get(0);
        String cluster = kafka.getMetadata().getName();
        assertEquals("kafka.strimzi.io/v1beta2", kafka.getApiVersion());
        assertNull(kafka.get("spec", "zookeeper"), "KRaft: no ZooKeeper");
        assertEquals("enabled", kafka.getMetadata().getAnnotations().get("strimzi.io/kraft"));
        assertEquals("enabled", kafka.getMetadata().getAnnotations().get("strimzi.io/node-pools"));

        // KRaft needs a node pool: one node that is both controller and broker
        List<GenericKubernetesResource> pools = rendered.custom("KafkaNodePool");
        assertEquals(1, pools.size());
        GenericKubernetesResource pool = pools.get(0);
        assertEquals(cluster, pool.getMetadata().getLabels().get("strimzi.io/cluster"));
        assertEquals(Set.of("controller", "broker"), Set.copyOf(pool.<List<String>>get("spec", "roles")));

        Map<String, Integer> expected = new TreeMap<>();
        for (String topic : Topics.ALL) {
            expected.put(topic, Topics.defaultPartitions(topic));
            expected.put(Topics.dlq(topic), Topics.defaultPartitions(Topics.dlq(topic)));
        }
        assertEquals(3, expected.get(Topics.TWEETS));
        assertEquals(3, expected.get(Topics.SENTIMENTS));
        assertEquals(expected, topicPartitions(rendered), "KafkaTopic partitions (shared/notes/decisions.md)");
        for (GenericKubernetesResource topic : rendered.custom("KafkaTopic")) {
            assertEquals(cluster, topic.getMetadata().getLabels().get("strimzi.io/cluster"), topic.getMetadata().getName());
            assertEquals(1, ((Number) topic.get("spec", "replicas")).intValue(), "one broker, one replica");
        }

        // the services connect to the bootstrap Service Strimzi creates for the plain listener
        List<Map<String, Object>> listeners = kafka.get("spec", "kafka", "listeners");
        Map<String, Object> plain = listeners.stream().filter(l -> "plain".equals(l.get("name"))).findFirst().orElseThrow();
        assertEquals(cluster + "-kafka-bootstrap:" + plain.get("port"),
                rendered.configMapData("lorastream-config").get("KAFKA_BOOTSTRAP_SERVERS"));
        Map<String, Object> config = kafka.get("spec", "kafka", "config");
        assertEquals(false, config.get("auto.create.topics.enable"), "topics exist only as KafkaTopic resources");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void everyServiceGetsItsOwnDatabaseAndTheDjlSafetyFlags(String overlay) {
        RenderedManifests rendered = RenderedManifests.overlay(overlay);
        String initSql = rendered.all(ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getName().startsWith("postgres-initdb"))
                .findFirst().orElseThrow().getData().get("01-databases.sql");
        assertEquals(RepoLayout.read(RepoLayout.k8s().resolve("base/postgres/01-databases.sql")), initSql,
                "the ConfigMap carries the same SQL file docker-compose.yml mounts");
        for (String service : RepoLayout.SERVICES) {
            Map<String, String> env = effectiveEnv(rendered, rendered.workload(service).container(service));
            String database = "lorastream_" + service.substring(0, service.indexOf('-'));
            assertEquals("jdbc:postgresql://postgres:5432/" + database, env.get("QUARKUS_DATASOURCE_JDBC_URL"), service);
            assertTrue(initSql.contains("CREATE DATABASE " + database + ";"), "init SQL creates " + database);
            assertEquals("true", env.get("DJL_OFFLINE"), service);
            assertEquals("true", env.get("OPT_OUT_TRACKING"), service);
            assertEquals("cpu", env.get("RUST_FLAVOR"), service + ": CPU tokenizers even on GPU nodes");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void everyFolderSettingLiesOnAMountedVolume(String overlay) {
        RenderedManifests rendered = RenderedManifests.overlay(overlay);
        for (String service : RepoLayout.SERVICES) {
            Workload workload = rendered.workload(service);
            Container container = workload.container(service);
            assertEquals(Boolean.TRUE, container.getSecurityContext().getReadOnlyRootFilesystem(), service);
            Map<String, String> env = effectiveEnv(rendered, container);
            env.forEach((name, value) -> {
                if (!(name.endsWith("_DIR") || name.endsWith("_PATH")) || !value.startsWith("/")) return;
                if (name.equals("PYTORCH_LIBRARY_PATH")) return; // inside the image, read only
                assertTrue(mountFor(container, value) != null,
                        overlay + ": " + service + " " + name + "=" + value + " is on the read-only root filesystem");
            });
        }
        // the trainer keeps base models and adapters on claims; inference reads the trainer's copy
        Workload trainer = rendered.workload("trainer-service");
        Map<String, String> trainerEnv = effectiveEnv(rendered, trainer.container("trainer-service"));
        assertEquals("lorastream-model-cache", claimAt(trainer, trainerEnv.get("LORASTREAM_TRAINER_HUB_CACHE_DIR")));
        assertEquals("lorastream-adapters", claimAt(trainer, trainerEnv.get("LORASTREAM_TRAINER_ARTIFACT_DIR")));
        Workload inference = rendered.workload("inference-service");
        String modelPath = effectiveEnv(rendered, inference.container("inference-service")).get("LORASTREAM_INFERENCE_MODEL_PATH");
        assertEquals("lorastream-model-cache", claimAt(inference, modelPath));
        // the folder the trainer's hub cache writes for its base model: <cache>/<owner>--<name>/<revision>
        assertEquals(trainerEnv.get("LORASTREAM_TRAINER_HUB_CACHE_DIR") + "/"
                + trainerEnv.get("LORASTREAM_TRAINER_BASE_MODEL").replace("/", "--") + "/main", modelPath);
        assertTrue(mountFor(inference.container("inference-service"), modelPath).getReadOnly(), "inference only reads models");
    }

    @Test
    void serviceMonitorSelectsExactlyTheThreeServicesAndTheirMetricsPort() {
        RenderedManifests monitoring = RenderedManifests.of(RepoLayout.k8s().resolve("monitoring"));
        assertEquals(1, monitoring.objects.size());
        assertTrue(monitoring.objects.get(0) instanceof GenericKubernetesResource, "a CRD object parses generically");
        GenericKubernetesResource monitor = monitoring.custom("ServiceMonitor").get(0);
        assertEquals("monitoring.coreos.com/v1", monitor.getApiVersion());
        assertEquals(NAMESPACE, monitor.getMetadata().getNamespace());

        Map<String, String> matchLabels = monitor.get("spec", "selector", "matchLabels");
        List<Map<String, Object>> expressions = monitor.get("spec", "selector", "matchExpressions");
        List<Map<String, Object>> endpoints = monitor.get("spec", "endpoints");
        for (String overlay : RepoLayout.OVERLAYS) {
            List<Service> selected = RenderedManifests.overlay(overlay).services().stream()
                    .filter(s -> s.getMetadata().getLabels().entrySet().containsAll(matchLabels.entrySet()))
                    .filter(s -> expressions.stream().allMatch(e -> matches(e, s.getMetadata().getLabels())))
                    .toList();
            assertEquals(new TreeSet<>(RepoLayout.SERVICES),
                    selected.stream().map(s -> s.getMetadata().getName()).collect(Collectors.toCollection(TreeSet::new)), overlay);
            for (Map<String, Object> endpoint : endpoints) {
                assertEquals("/q/metrics", endpoint.get("path"));
                for (Service service : selected) {
                    assertTrue(service.getSpec().getPorts().stream().anyMatch(p -> p.getName().equals(endpoint.get("port"))),
                            service.getMetadata().getName() + " has no port " + endpoint.get("port"));
                }
            }
        }
    }

    // ---- helpers ----

    static Map<String, Integer> topicPartitions(RenderedManifests rendered) {
        Map<String, Integer> partitions = new TreeMap<>();
        for (GenericKubernetesResource topic : rendered.custom("KafkaTopic")) {
            String name = topic.get("spec", "topicName");
            partitions.put(name == null ? topic.getMetadata().getName() : name, ((Number) topic.get("spec", "partitions")).intValue());
        }
        return partitions;
    }

    /** The environment a container sees: envFrom ConfigMaps, then its own env values (secrets left out). */
    static Map<String, String> effectiveEnv(RenderedManifests rendered, Container container) {
        Map<String, String> env = new HashMap<>();
        for (EnvFromSource from : container.getEnvFrom()) {
            env.putAll(rendered.configMapData(from.getConfigMapRef().getName()));
        }
        for (EnvVar var : container.getEnv()) {
            if (var.getValue() != null) env.put(var.getName(), var.getValue());
        }
        return env;
    }

    /** The mount that holds {@code path} (the longest mount path above it), or null. */
    static VolumeMount mountFor(Container container, String path) {
        return container.getVolumeMounts().stream()
                .filter(m -> path.equals(m.getMountPath()) || path.startsWith(m.getMountPath() + "/"))
                .max(java.util.Comparator.comparingInt(m -> m.getMountPath().length())).orElse(null);
    }

    private static String claimAt(Workload workload, String path) {
        VolumeMount mount = mountFor(workload.template().getSpec().getContainers().get(0), path);
        assertNotNull(mount, workload.name() + ": nothing mounted at " + path);
        Volume volume = workload.template().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
        assertNotNull(volume.getPersistentVolumeClaim(), workload.name() + ": " + path + " is not on a claim");
        return volume.getPersistentVolumeClaim().getClaimName();
    }

    static EnvVar env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " has no env " + name));
    }

    static Map<String, Set<String>> secretsDocumentedInReadme() {
        String readme = RepoLayout.read(RepoLayout.root().resolve("deploy/README.md"));
        Map<String, Set<String>> secrets = new TreeMap<>();
        Matcher matcher = CREATE_SECRET.matcher(readme);
        while (matcher.find()) {
            Set<String> keys = secrets.computeIfAbsent(matcher.group(1), k -> new TreeSet<>());
            Matcher literal = FROM_LITERAL.matcher(matcher.group(2));
            while (literal.find()) keys.add(literal.group(1));
        }
        return secrets;
    }

    private static ContainerPort namedPort(Container container, String name) {
        return container.getPorts().stream().filter(p -> name.equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " declares no port " + name));
    }

    private static void assertHttpProbe(String what, Container container, Probe probe, String path) {
        assertNotNull(probe, what + " probe missing");
        HTTPGetAction get = probe.getHttpGet();
        assertNotNull(get, what + " is not an HTTP probe");
        assertEquals(path, get.getPath(), what + " path");
        IntOrString port = get.getPort();
        int resolved = port.getStrVal() != null ? namedPort(container, port.getStrVal()).getContainerPort() : port.getIntVal();
        int expected = switch (container.getName()) {
            case "ingest-service" -> 8081;
            case "trainer-service" -> 8082;
            case "inference-service" -> 8083;
            default -> throw new AssertionError("unexpected container " + container.getName());
        };
        assertEquals(expected, resolved, what + " port (quarkus.http.port of the service)");
    }

    private static void assertRequestsWithinLimits(String what, Map<String, Quantity> requests, Map<String, Quantity> limits) {
        assertNotNull(requests, what + " has no requests");
        assertNotNull(limits, what + " has no limits");
        for (String resource : List.of("cpu", "memory")) {
            assertNotNull(requests.get(resource), what + " requests no " + resource);
            assertNotNull(limits.get(resource), what + " has no " + resource + " limit");
            BigDecimal request = Quantity.getAmountInBytes(requests.get(resource));
            BigDecimal limit = Quantity.getAmountInBytes(limits.get(resource));
            assertTrue(request.compareTo(limit) <= 0, what + ": " + resource + " request " + request + " above limit " + limit);
        }
    }

    private static Map<String, Quantity> quantities(Map<String, Object> raw) {
        if (raw == null) return null;
        Map<String, Quantity> result = new HashMap<>();
        raw.forEach((k, v) -> result.put(k, new Quantity(String.valueOf(v))));
        return result;
    }

    private static boolean matches(Map<String, Object> expression, Map<String, String> labels) {
        String value = labels.get((String) expression.get("key"));
        @SuppressWarnings("unchecked")
        List<String> values = (List<String>) expression.getOrDefault("values", new ArrayList<>());
        return switch ((String) expression.get("operator")) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> fail("unknown selector operator " + expression);
        };
    }
}
