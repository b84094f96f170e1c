package io.lorastream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's main command for real: {@code bin/lorastream run --once} starts a KRaft broker and the
 * three packaged services against the machine's PostgreSQL, ingests TweetEval, trains stories260K,
 * hot-swaps the adapter, streams live tweets through Kafka, writes the report and stops everything.
 * Runs in the verify phase, after the services' modules have been packaged (reactor order).
 */
class LocalStackIT {

    @Test
    void theMainJobRunsEndToEndAndWritesItsReport() throws Exception {
        Path root = Path.of(System.getProperty("lorastream.root", "..")).toAbsolutePath().normalize();
        for (String m : List.of("ingest-service", "trainer-service", "inference-service")) {
            assertTrue(Files.exists(root.resolve(m + "/target/quarkus-app/quarkus-run.jar")),
                    m + " is not packaged: run ./mvnw -B verify from the repository root");
        }
        Path home = Files.createTempDirectory("lorastream-stack");
        Path log = home.resolve("run.log");
        ProcessBuilder pb = new ProcessBuilder(root.resolve("bin/lorastream").toString(), "run", "--once",
                "--train", "40", "--validation", "20", "--steps", "4", "--tweets", "30")
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("LORASTREAM_HOME", home.toString());
        pb.environment().put("LORASTREAM_KAFKA_PORT", Integer.toString(freePort()));
        pb.environment().put("LORASTREAM_KAFKA_CONTROLLER_PORT", Integer.toString(freePort()));
        pb.environment().put("INGEST_HTTP_PORT", Integer.toString(freePort()));
        pb.environment().put("TRAINER_HTTP_PORT", Integer.toString(freePort()));
        pb.environment().put("INFERENCE_HTTP_PORT", Integer.toString(freePort()));
        Process p = pb.start();
        boolean done = p.waitFor(15, TimeUnit.MINUTES);
        if (!done) {
            new ProcessBuilder(root.resolve("bin/lorastream").toString(), "stop").directory(root.toFile())
                    .inheritIO().start().waitFor(2, TimeUnit.MINUTES);
            p.destroyForcibly();
        }
        String out = Files.readString(log);
        assertTrue(done, "bin/lorastream did not finish within 15 minutes:\n" + tail(out));
        assertEquals(0, p.exitValue(), "bin/lorastream failed:\n" + tail(out));

        assertTrue(out.contains("=== lorastream report ==="), tail(out));
        assertTrue(out.contains("dataset ds-") && out.contains("train=40") && out.contains("validation=20"), tail(out));
        assertTrue(out.matches("(?s).*\\n\\s+4\\s+\\d+\\.\\d{4}\\s+\\d+\\.\\d{4}\\n.*"),
                "step 4 has a train and a validation loss:\n" + tail(out));
        assertTrue(out.contains("live traffic: 30 tweets"), "every live tweet got its result:\n" + tail(out));
        assertTrue(out.contains("confusion matrix"), tail(out));
        String html = Files.readString(home.resolve("report.html"));
        assertTrue(html.contains("aria-label=\"loss curve\"") && html.contains("aria-label=\"confusion matrix\""));
        for (String name : List.of("kafka", "ingest", "trainer", "inference")) {
            assertTrue(out.contains("stopped " + name), name + " was stopped by --once:\n" + tail(out));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String tail(String s) {
        return s.length() <= 6000 ? s : s.substring(s.length() - 6000);
    }
}
