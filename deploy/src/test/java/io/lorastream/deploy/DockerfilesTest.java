package io.lorastream.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The service images: pinned base, non-root, Quarkus fast-jar layout, DJL flags, the service's own port. */
class DockerfilesTest {
    private static final Pattern TEMURIN_17_JRE = Pattern.compile("eclipse-temurin:17\\.\\d+\\.\\d+_\\d+-jre-[a-z]+");
    private static final Pattern HTTP_PORT = Pattern.compile("quarkus\\.http\\.port=\\$\\{([A-Z_]+):(\\d+)}");

    @ParameterizedTest
    @ValueSource(strings = {"ingest-service", "trainer-service", "inference-service"})
    void imageRunsTheFastJarAsNonRootOnAPinnedJre(String service) {
        Dockerfile dockerfile = Dockerfile.read(RepoLayout.dockerfile(service));
        assertTrue(TEMURIN_17_JRE.matcher(dockerfile.single("FROM")).matches(), "pinned base: " + dockerfile.single("FROM"));
        String user = dockerfile.single("USER");
        assertTrue(user.matches("\\d+(:\\d+)?"), "numeric user, so runAsNonRoot can verify it: " + user);
        assertNotEquals("0", user.split(":")[0], "not root");
        assertEquals("1001", user.split(":")[0], "the uid the Kubernetes securityContext runs as");

        List<String> copies = dockerfile.all("COPY");
        for (String part : List.of("target/quarkus-app/lib/", "target/quarkus-app/*.jar", "target/quarkus-app/app/",
                "target/quarkus-app/quarkus/")) {
            assertTrue(copies.stream().anyMatch(c -> c.contains(part)), service + " copies " + part);
        }
        assertTrue(dockerfile.single("ENTRYPOINT").contains("/deployments/quarkus-run.jar"));
        assertTrue(RepoLayout.read(RepoLayout.dockerfile(service).resolveSibling("Dockerfile.jvm.dockerignore"))
                .contains("!target/quarkus-app/"), "build context limited to the fast-jar");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ingest-service", "trainer-service", "inference-service"})
    void imageSetsTheDjlFlagsAndTheServicesOwnPort(String service) {
        Dockerfile dockerfile = Dockerfile.read(RepoLayout.dockerfile(service));
        Map<String, String> env = dockerfile.env();
        assertEquals("true", env.get("DJL_OFFLINE"));
        assertEquals("true", env.get("OPT_OUT_TRACKING"));
        assertEquals("cpu", env.get("RUST_FLAVOR"));
        assertEquals("/var/cache/lorastream/djl", env.get("DJL_CACHE_DIR"));
        assertTrue(env.get("JAVA_TOOL_OPTIONS").contains("-XX:MaxRAMPercentage="), "heap follows the container limit");
        // never the download path: no PYTORCH_* in the CPU image
        assertTrue(env.keySet().stream().noneMatch(k -> k.startsWith("PYTORCH_")), env.keySet().toString());

        // the port variable and default come from the service's own application.properties
        Path properties = RepoLayout.root().resolve(service).resolve("src/main/resources/application.properties");
        Matcher port = HTTP_PORT.matcher(RepoLayout.read(properties));
        assertTrue(port.find(), properties + " sets quarkus.http.port=${VAR:port}");
        assertEquals(port.group(2), env.get(port.group(1)), service + " " + port.group(1));
        assertEquals(port.group(2), dockerfile.single("EXPOSE"));
    }

    @Test
    void gpuTrainerImageLoadsTheCudaLibtorchOfThePinnedVersion() {
        Path path = RepoLayout.root().resolve("trainer-service/src/main/docker/Dockerfile.jvm-cu124");
        Dockerfile gpu = Dockerfile.read(path);
        Dockerfile cpu = Dockerfile.read(RepoLayout.dockerfile("trainer-service"));
        assertEquals(cpu.single("FROM"), gpu.single("FROM"), "same base as the CPU image");
        assertEquals(cpu.single("USER"), gpu.single("USER"));
        Map<String, String> env = gpu.env();
        Matcher libtorch = Pattern.compile("<libtorch\\.version>([^<]+)</libtorch\\.version>")
                .matcher(RepoLayout.read(RepoLayout.root().resolve("pom.xml")));
        assertTrue(libtorch.find());
        assertEquals(libtorch.group(1), env.get("PYTORCH_VERSION"), "the libtorch of the project's pytorch-jni");
        assertEquals("cu124", env.get("PYTORCH_FLAVOR"));
        String libraryPath = env.get("PYTORCH_LIBRARY_PATH");
        assertTrue(gpu.all("COPY").stream().anyMatch(c -> c.startsWith("target/libtorch-cu124/") && c.endsWith(" " + libraryPath + "/")),
                "libtorch is copied to PYTORCH_LIBRARY_PATH " + libraryPath);
        assertEquals("cpu", env.get("RUST_FLAVOR"));
        assertEquals("true", env.get("DJL_OFFLINE"));
    }
}
