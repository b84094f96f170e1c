package io.lorastream.deploy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A command-line tool the deploy tests need (kubectl, docker-compose). A missing tool fails the test
 * with a message that names it and the script that installs it: these tests never skip silently.
 */
record ExternalTool(String name, String installHint) {

    static final ExternalTool KUBECTL = new ExternalTool("kubectl",
            "run .ci/deploy-tools.sh (installs kubectl, or Debian's kubernetes-client where no kubectl package is offered)");
    static final ExternalTool DOCKER_COMPOSE = new ExternalTool("docker-compose",
            "run .ci/deploy-tools.sh (installs Debian's docker-compose package)");

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    record Result(int exitCode, String stdout, String stderr) {}

    /** The executable on PATH, or an AssertionError naming the tool and how to install it. */
    Path locate() {
        return find().orElseThrow(() -> new AssertionError(
                name + " is required by the deploy tests but is not on PATH (" + System.getenv("PATH") + "): " + installHint));
    }

    Optional<Path> find() {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    /** Runs the tool in {@code workDir}; {@code env} edits the inherited environment. Fails on a non-zero exit. */
    String run(Path workDir, Consumer<Map<String, String>> env, String... args) {
        Result result = runAllowingFailure(workDir, env, args);
        if (result.exitCode() != 0) {
            throw new AssertionError(name + " " + String.join(" ", args) + " exited " + result.exitCode()
                    + " in " + workDir + ":\n" + result.stderr() + result.stdout());
        }
        return result.stdout();
    }

    Result runAllowingFailure(Path workDir, Consumer<Map<String, String>> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(locate().toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        env.accept(builder.environment());
        try {
            Path out = Files.createTempFile("lorastream-" + name, ".out");
            Path err = Files.createTempFile("lorastream-" + name, ".err");
            try {
                Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(name + " " + String.join(" ", args) + " did not finish within " + TIMEOUT);
                }
                return new Result(process.exitValue(),
                        Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + name, e);
        }
    }
}
