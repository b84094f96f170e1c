package io.lorastream.deploy;

import io.fabric8.kubernetes.api.model.EnvVar;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every lorastream setting docker-compose.yml and the manifests hand a service is one that service
 * reads: a renamed property fails here instead of being silently ignored in a container.
 */
class ServiceSettingsTest {
    private static final Map<String, String> COMPOSE_SERVICE = Map.of("trainer-service-gpu", "trainer-service");

    @Test
    void mappingInterfacesTurnIntoEnvironmentNames() {
        String source = """
                @ConfigMapping(prefix = "lorastream.demo")
                public interface DemoConfig {
                    @WithDefault("x")
                    String baseModel();
                    Optional<Path> cacheDir();
                    Hub hub();
                    default int twice() { return 2; }
                    interface Hub {
                        @WithName("token-file")
                        Optional<String> token();
                        URI endpoint();
                    }
                }
                """;
        assertEquals(List.of("lorastream.demo.base-model", "lorastream.demo.cache-dir", "lorastream.demo.hub.token-file",
                "lorastream.demo.hub.endpoint"), ServiceSettings.propertiesOf("lorastream.demo", source));
        assertEquals("LORASTREAM_DEMO_HUB_TOKEN_FILE", ServiceSettings.toEnv("lorastream.demo.hub.token-file"));
    }

    @Test
    void composeAndKubernetesSetOnlySettingsTheServicesRead() {
        Map<String, Set<String>> unread = new TreeMap<>();
        int checked = 0;
        ComposeFile compose = ComposeFile.resolvedWithDefaults();
        for (String composeService : List.of("ingest-service", "trainer-service", "trainer-service-gpu", "inference-service")) {
            String service = COMPOSE_SERVICE.getOrDefault(composeService, composeService);
            checked += check("docker-compose.yml " + composeService, service, compose.environment(composeService).keySet(), unread);
        }
        for (String overlay : RepoLayout.OVERLAYS) {
            RenderedManifests rendered = RenderedManifests.overlay(overlay);
            for (String service : RepoLayout.SERVICES) {
                var container = rendered.workload(service).container(service);
                Set<String> names = new TreeSet<>(KustomizeOverlaysTest.effectiveEnv(rendered, container).keySet());
                container.getEnv().stream().map(EnvVar::getName).forEach(names::add);
                checked += check("overlay " + overlay + " " + service, service, names, unread);
            }
        }
        assertTrue(checked >= 20, "only " + checked + " lorastream variables found: the files changed shape?");
        assertEquals(Map.of(), unread, "lorastream variables that no @ConfigMapping property or ${VAR} in "
                + "application.properties reads (renamed settings?)");
    }

    /** Adds the lorastream variables of {@code names} that {@code service} does not read; returns how many it checked. */
    private static int check(String where, String service, Set<String> names, Map<String, Set<String>> unread) {
        Set<String> read = ServiceSettings.environmentNames(service);
        int checked = 0;
        for (String name : names) {
            if (!name.startsWith("LORASTREAM_")) continue;
            checked++;
            if (!read.contains(name)) unread.computeIfAbsent(where, k -> new TreeSet<>()).add(name);
        }
        return checked;
    }
}
