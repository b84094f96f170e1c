package io.lorastream.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a Docker engine is reachable here (its socket or DOCKER_HOST), for tests that need containers. */
public final class DockerCheck {
    private DockerCheck() {}

    public static boolean available() {
        String host = System.getenv("DOCKER_HOST");
        return (host != null && !host.isBlank()) || Files.exists(Path.of("/var/run/docker.sock"));
    }
}
