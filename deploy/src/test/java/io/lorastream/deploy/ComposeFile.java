package io.lorastream.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * docker-compose.yml as {@code docker-compose config} resolves it (anchors merged, defaults filled
 * in, paths absolute), read as plain maps. Accepts both the v1 and the v2 output shapes where they differ.
 */
final class ComposeFile {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static volatile ComposeFile defaults;

    /** One volume mount, whichever syntax the output used. */
    record Mount(String source, String target, boolean readOnly) {}

    final Map<String, Object> root;

    private ComposeFile(Map<String, Object> root) {
        this.root = root;
    }

    /** The file resolved with every variable at its default: no LORASTREAM_*, HF_TOKEN or COMPOSE_* from outside. */
    static ComposeFile resolvedWithDefaults() {
        if (defaults == null) {
            String yaml = ExternalTool.DOCKER_COMPOSE.run(RepoLayout.root(), env -> env.keySet().removeIf(k ->
                    k.startsWith("LORASTREAM_") || k.startsWith("COMPOSE_") || k.equals("HF_TOKEN")), "config");
            defaults = parse(yaml);
        }
        return defaults;
    }

    static ComposeFile parse(String yaml) {
        try {
            return new ComposeFile(YAML.readValue(yaml, new TypeReference<Map<String, Object>>() {}));
        } catch (IOException e) {
            throw new UncheckedIOException("docker-compose config printed unreadable YAML", e);
        }
    }

    Map<String, Object> services() {
        return map(root, "services");
    }

    Map<String, Object> service(String name) {
        Map<String, Object> service = map(services(), name);
        if (service == null) throw new AssertionError("docker-compose.yml has no service " + name);
        return service;
    }

    Map<String, String> environment(String service) {
        Map<String, Object> raw = map(service(service), "environment");
        Map<String, String> env = new java.util.TreeMap<>();
        if (raw != null) raw.forEach((k, v) -> env.put(k, v == null ? "" : String.valueOf(v)));
        return env;
    }

    List<Mount> mounts(String service) {
        List<Mount> mounts = new ArrayList<>();
        Object raw = service(service).get("volumes");
        if (raw == null) return mounts;
        for (Object entry : (List<?>) raw) {
            if (entry instanceof String s) {
                String[] parts = s.split(":");
                mounts.add(new Mount(parts[0], parts[1], parts.length > 2 && parts[2].contains("ro")));
            } else {
                Map<?, ?> m = (Map<?, ?>) entry;
                mounts.add(new Mount(String.valueOf(m.get("source")), String.valueOf(m.get("target")),
                        Boolean.TRUE.equals(m.get("read_only"))));
            }
        }
        return mounts;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> parent, String key) {
        return parent == null ? null : (Map<String, Object>) parent.get(key);
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Map<String, Object> parent, String... path) {
        Object current = parent;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> m)) return null;
            current = m.get(key);
        }
        return (T) current;
    }
}
