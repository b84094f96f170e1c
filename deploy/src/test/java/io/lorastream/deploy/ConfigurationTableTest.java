package io.lorastream.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** deploy/README.md's configuration tables against what docker-compose.yml, the manifests and the images set. */
class ConfigurationTableTest {
    private static final Pattern TABLE_ROW = Pattern.compile("(?m)^\\| (`[A-Z][A-Z0-9_]*`(?:, `[A-Z][A-Z0-9_]*`)*) \\|");
    private static final Pattern NAME = Pattern.compile("`([A-Z][A-Z0-9_]*)`");
    private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");
    private static final Set<String> APP_SERVICES = Set.of("ingest-service", "trainer-service", "trainer-service-gpu",
            "inference-service", "kafka-init");

    @Test
    void everyVariableTheFilesSetIsDocumented() {
        Set<String> documented = documented();
        Set<String> missing = new TreeSet<>(used());
        missing.removeAll(documented);
        assertEquals(Set.of(), missing, "set by docker-compose.yml, deploy/k8s or the Dockerfiles but not in deploy/README.md");
    }

    @Test
    void everyDocumentedVariableIsStillUsed() {
        Set<String> used = used();
        // also read by the services themselves (application.properties)
        StringBuilder properties = new StringBuilder();
        for (String service : RepoLayout.SERVICES) {
            properties.append(RepoLayout.read(RepoLayout.root().resolve(service).resolve("src/main/resources/application.properties")));
        }
        Set<String> stale = new TreeSet<>();
        for (String name : documented()) {
            if (!used.contains(name) && !properties.toString().contains(name)) stale.add(name);
        }
        assertEquals(Set.of(), stale, "documented in deploy/README.md but set nowhere");
        assertTrue(documented().size() >= 30, "both tables parsed: " + documented());
    }

    static Set<String> documented() {
        Set<String> names = new TreeSet<>();
        Matcher row = TABLE_ROW.matcher(RepoLayout.read(RepoLayout.root().resolve("deploy/README.md")));
        while (row.find()) {
            Matcher name = NAME.matcher(row.group(1));
            while (name.find()) names.add(name.group(1));
        }
        return names;
    }

    static Set<String> used() {
        Set<String> names = new TreeSet<>();
        for (String file : List.of("docker-compose.yml", "deploy/compose/create-topics.sh")) {
            Matcher substitution = SUBSTITUTION.matcher(RepoLayout.read(RepoLayout.root().resolve(file)));
            while (substitution.find()) names.add(substitution.group(1));
        }
        ComposeFile compose = ComposeFile.resolvedWithDefaults();
        for (String service : APP_SERVICES) names.addAll(compose.environment(service).keySet());

        for (String overlay : RepoLayout.OVERLAYS) {
            RenderedManifests rendered = RenderedManifests.overlay(overlay);
            for (ConfigMap map : rendered.all(ConfigMap.class)) {
                if (!map.getMetadata().getName().startsWith("postgres-initdb")) names.addAll(map.getData().keySet());
            }
            for (String service : RepoLayout.SERVICES) {
                rendered.workload(service).container(service).getEnv().stream().map(EnvVar::getName).forEach(names::add);
            }
        }
        List<Path> dockerfiles = new ArrayList<>();
        RepoLayout.SERVICES.forEach(s -> dockerfiles.add(RepoLayout.dockerfile(s)));
        dockerfiles.add(RepoLayout.root().resolve("trainer-service/src/main/docker/Dockerfile.jvm-cu124"));
        for (Path dockerfile : dockerfiles) {
            Dockerfile.read(dockerfile).env().keySet().stream().filter(n -> !n.equals("LANG")).forEach(names::add);
        }
        return names;
    }
}
