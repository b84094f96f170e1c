package io.lorastream.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where the files under test live: the repository root is the parent of this module. */
final class RepoLayout {
    static final List<String> SERVICES = List.of("ingest-service", "trainer-service", "inference-service");
    static final List<String> OVERLAYS = List.of("cpu", "gpu");

    private RepoLayout() {}

    static Path root() {
        Path module = Path.of("").toAbsolutePath();
        for (Path dir = module; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docker-compose.yml")) && Files.isDirectory(dir.resolve("deploy/k8s"))) {
                return dir;
            }
        }
        throw new AssertionError("no repository root (docker-compose.yml + deploy/k8s) above " + module);
    }

    static Path k8s() {
        return root().resolve("deploy/k8s");
    }

    static Path overlay(String name) {
        return k8s().resolve("overlays").resolve(name);
    }

    static Path dockerfile(String service) {
        return root().resolve(service).resolve("src/main/docker/Dockerfile.jvm");
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
