package io.lorastream.bench;

import ai.djl.Device;
import io.lorastream.contracts.CheckpointEvent;
import io.lorastream.contracts.CheckpointMetrics;
import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.Digests;
import io.lorastream.contracts.SentimentLabel;
import io.lorastream.contracts.SentimentResult;
import io.lorastream.contracts.Topics;
import io.lorastream.contracts.TweetMessage;
import io.lorastream.llm.DjlFlags;
import io.lorastream.llm.LlamaConfig;
import io.lorastream.llm.LlamaModel;
import io.lorastream.llm.LoadOptions;
import io.lorastream.llm.LoraAdapter;
import io.lorastream.llm.LoraConfig;
import io.lorastream.llm.SafetensorsWriter;
import io.lorastream.llm.SentimentClassifier;
import io.lorastream.testing.KraftBroker;
import io.lorastream.testing.SharedAssets;
import io.lorastream.testing.TestDatabases;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The inference service on CPU with stories260K-hf and a LoRA adapter, driven as deployed: this
 * benchmark starts an in-JVM KRaft broker, gives the packaged service
 * ({@code inference-service/target/quarkus-app/quarkus-run.jar}) a fresh PostgreSQL registry, starts it
 * as a child JVM, and talks to it only through Kafka and its HTTP API. Tweets are TweetEval test tweets.
 *
 * <ol>
 *   <li><b>engine only</b> (before the service starts, same model and adapter): SentimentClassifier on
 *       batches of 16 — the ceiling without Kafka.
 *   <li><b>throughput</b>: a backlog of tweets kept ahead of the service; results/s at saturation.
 *   <li><b>latency</b>: open-loop traffic at half the measured throughput; per tweet, end to end (sent by
 *       the benchmark → result consumed by it) and inside the service ({@code SentimentResult.latencyMs}).
 *   <li><b>swap</b>: at saturation, checkpoint events for new adapter versions; swap latency = checkpoint
 *       received by the service → first result of the new version acknowledged (the service's own
 *       {@code lorastream_inference_swap_latency_seconds}, read per swap), and as this benchmark sees it
 *       (event acknowledged by Kafka → first result consumed); the dip = results/s in the 3 s after each
 *       event against the 3 s before, and the longest pause between results around the swap against
 *       the longest pause before it. No tweet may be lost or duplicated (counted at the end).
 * </ol>
 *
 * <p>Adapters are PEFT's initialisation with random non-zero B (r 16, alpha 16, the seven targets); a
 * forward costs the same whatever the weights' values. Usage:
 * {@code bench/run InferenceBenchmark [seconds-per-phase] [swaps]} (default 20 and 5). Needs the service
 * packaged ({@code ./mvnw -q -pl inference-service -am package -DskipTests}) and PostgreSQL at
 * 127.0.0.1:5432 (or {@code QUARKUS_DATASOURCE_JDBC_URL}).
 */
public final class InferenceBenchmark {
    /** The service's default micro-batch (batch.max-size). */
    private static final int BATCH = 4;
    private static final LoraConfig LORA = new LoraConfig(16, 16, 0.0, LoraConfig.ALL_TARGETS);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Path work = Path.of("bench", "target", "inference-bench").toAbsolutePath();
    private final Path model = SharedAssets.stories260K();
    private final List<String> tweets;
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final BenchReport report = new BenchReport("inference");

    // results as the benchmark sees them
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final AtomicLong counter = new AtomicLong();

    private record Received(String id, String adapter, long atNanos, double serviceLatencyMs) {}

    private InferenceBenchmark() throws IOException {
        tweets = Files.readAllLines(SharedAssets.tweetEvalSentiment().resolve("test_text.txt")).stream()
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        DjlFlags.apply();
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int swaps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        new InferenceBenchmark().run(seconds, swaps);
        System.exit(0);
    }

    private void run(int seconds, int swaps) throws Exception {
        Path jar = serviceJar();
        Files.createDirectories(work);
        List<Path> adapters = new ArrayList<>();
        for (int v = 1; v <= swaps + 1; v++) {
            adapters.add(adapter("bench-" + run + "-v" + v, v));
        }
        String baseSha = Digests.modelSha256(model);
        report.context("model", model + " (NF4 on load, CPU, 1 intra-op thread)")
                .context("adapter", "r 16, alpha 16, q,k,v,o,gate,up,down (" + LoraAdapter.trainableParameters(
                        LlamaConfig.load(model.resolve("config.json")), LORA) + " parameters), random B")
                .context("tweets", "TweetEval sentiment test split (" + tweets.size() + " texts), JSON TweetMessage")
                .context("service", "packaged Quarkus app in a child JVM (default settings: micro-batch <= " + BATCH + " within 20 ms); "
                        + "results acknowledged before commit")
                .context("load average at start", BenchReport.loadAverage());

        engineOnly(adapters.get(0), seconds);
        if (Boolean.getBoolean("lorastream.bench.engine-only")) {
            report.finish();
            return;
        }

        try (KraftBroker broker = KraftBroker.start()) {
            String bootstrap = broker.bootstrapServers();
            createTopics(bootstrap);
            String jdbc = freshDatabase();
            int port = freePort();
            Process service = startService(jar, bootstrap, jdbc, port);
            try (KafkaProducer<String, byte[]> producer = producer(bootstrap);
                    ResultReader reader = new ResultReader(bootstrap)) {
                awaitReady(port, service);
                // serve with an adapter from the start
                publishCheckpoint(producer, adapters.get(0), 1, baseSha);
                awaitActive(port, "bench-" + run + "@1");
                warmUp(producer, 400);

                double capacity = throughput(producer, seconds);
                latency(producer, Math.max(1, capacity / 2), seconds);
                swaps(producer, port, adapters, baseSha, swaps);
                report.context("duplicates seen", duplicates.get());
            } finally {
                service.destroy();
                if (!service.waitFor(30, TimeUnit.SECONDS)) {
                    service.destroyForcibly();
                }
            }
        }
        report.context("load average at end", BenchReport.loadAverage());
        report.finish();
    }

    // ------------------------------------------------------------------ phases

    /** The classifier alone, per micro-batch size: what batching buys on this CPU. */
    private void engineOnly(Path adapterDir, int seconds) {
        try (LlamaModel m = LlamaModel.load(model, LoadOptions.defaults().withQuantize(true));
                LoraAdapter a = LoraAdapter.loadPeft(adapterDir, m)) {
            int tokens = 0;
            for (int i = 0; i < 200; i++) {
                tokens += m.tokenizer().encode(io.lorastream.contracts.PromptTemplate.prompt(tweets.get(i))).length;
            }
            report.context("prompt length", String.format("%.0f tokens on average (template + tweet, stories260K's "
                    + "512-token vocabulary); each tweet is scored as 3 rows, one per label", tokens / 200.0));
            for (int size : new int[] {1, 4, 16}) {
                SentimentClassifier clf = new SentimentClassifier(m, SentimentLabel.texts(), size);
                clf.classify(tweets.subList(0, size), a); // warm
                int n = 0;
                long t0 = System.nanoTime();
                long end = t0 + TimeUnit.SECONDS.toNanos(Math.max(4, seconds / 3));
                List<Double> batchMs = new ArrayList<>();
                while (System.nanoTime() < end) {
                    List<String> batch = new ArrayList<>(size);
                    for (int i = 0; i < size; i++) {
                        batch.add(tweets.get((n + i) % tweets.size()));
                    }
                    long b0 = System.nanoTime();
                    clf.classify(batch, a);
                    batchMs.add((System.nanoTime() - b0) / 1e6);
                    n += size;
                }
                double s = (System.nanoTime() - t0) / 1e9;
                report.row("phase", "engine only, batch " + size, "tweets/s", n / s, "p50 ms", pct(batchMs, 50),
                        "p99 ms", pct(batchMs, 99), "notes", "SentimentClassifier with the adapter, no Kafka "
                                + "(latency = one batch); " + n + " tweets");
            }
        }
    }

    private void warmUp(KafkaProducer<String, byte[]> producer, int n) throws InterruptedException {
        int before = received.size();
        for (int i = 0; i < n; i++) {
            send(producer, "warm");
        }
        producer.flush();
        awaitReceived(before + n, 300);
    }

    /** A backlog of at least 4 batches per partition stays ahead of the service; results/s over the window. */
    private double throughput(KafkaProducer<String, byte[]> producer, int seconds) throws Exception {
        try (Backlog b = new Backlog(producer, 600)) {
            Thread.sleep(2_000);
            int r0 = received.size();
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            int r1 = received.size();
            double s = (System.nanoTime() - t0) / 1e9;
            double rate = (r1 - r0) / s;
            List<Double> service = serviceLatencies(t0, System.nanoTime());
            report.row("phase", "throughput (saturated)", "tweets/s", rate, "p50 ms", pct(service, 50),
                    "p99 ms", pct(service, 99), "notes", (r1 - r0) + " results in " + Math.round(s)
                            + " s; latency = in service (receipt -> classified), excludes queueing in Kafka");
            return rate;
        } finally {
            drain();
        }
    }

    /** Open loop at a fixed rate: end-to-end latency without a backlog. */
    private void latency(KafkaProducer<String, byte[]> producer, double rate, int seconds) throws Exception {
        long interval = (long) (1e9 / rate);
        long t0 = System.nanoTime();
        long next = t0;
        long end = t0 + TimeUnit.SECONDS.toNanos(seconds);
        List<String> ids = new ArrayList<>();
        while (System.nanoTime() < end) {
            ids.add(send(producer, "lat"));
            next += interval;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                TimeUnit.NANOSECONDS.sleep(sleep);
            }
        }
        producer.flush();
        drain();
        Set<String> wanted = new HashSet<>(ids);
        List<Double> e2e = new ArrayList<>();
        List<Double> service = new ArrayList<>();
        for (Received r : received) {
            if (wanted.contains(r.id())) {
                e2e.add((r.atNanos() - sentAt.get(r.id())) / 1e6);
                service.add(r.serviceLatencyMs());
            }
        }
        report.row("phase", String.format("latency (open loop, %.0f tweets/s)", rate), "tweets/s", ids.size() / (double) seconds,
                "p50 ms", pct(e2e, 50), "p99 ms", pct(e2e, 99),
                "notes", String.format("end to end (send -> result consumed); in service p50 %.1f ms, p99 %.1f ms; %d tweets",
                        pct(service, 50), pct(service, 99), ids.size()));
    }

    /** Saturated stream; one checkpoint event every few seconds; swap latency and the throughput around it. */
    private void swaps(KafkaProducer<String, byte[]> producer, int port, List<Path> adapters, String baseSha, int swaps)
            throws Exception {
        List<Double> serviceSwap = new ArrayList<>();
        List<Double> observedSwap = new ArrayList<>();
        List<Double> before = new ArrayList<>();
        List<Double> after = new ArrayList<>();
        List<Double> pauseBefore = new ArrayList<>();
        List<Double> pauseAround = new ArrayList<>();
        long window = TimeUnit.SECONDS.toNanos(3);
        try (Backlog b = new Backlog(producer, 600)) {
            Thread.sleep(4_000);
            for (int v = 2; v <= swaps + 1; v++) {
                String ref = "bench-" + run + "@" + v;
                double[] metric0 = swapLatencyMetric(port);
                publishCheckpoint(producer, adapters.get(v - 1), v, baseSha);
                long sent = System.nanoTime();
                long first = awaitFirstFrom(ref, 60);
                observedSwap.add((first - sent) / 1e6);
                double[] metric1 = awaitSwapLatencyMetric(port, metric0[1] + 1);
                serviceSwap.add((metric1[0] - metric0[0]) * 1000);
                TimeUnit.NANOSECONDS.sleep(Math.max(0, sent + window - System.nanoTime()) + 200_000_000L);
                before.add(countReceivedBetween(sent - window, sent) / 3.0);
                after.add(countReceivedBetween(sent, sent + window) / 3.0);
                pauseBefore.add(longestPauseMs(sent - window, sent));
                pauseAround.add(longestPauseMs(sent - 200_000_000L, first + 200_000_000L));
                Thread.sleep(1_000);
            }
        } finally {
            drain();
        }
        double avgBefore = before.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double avgAfter = after.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double minAfter = after.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        report.row("phase", "swap latency (service)", "p50 ms", pct(serviceSwap, 50), "p99 ms", pct(serviceSwap, 99),
                "notes", String.format("checkpoint received -> first result of the new version acknowledged; %d swaps,"
                        + " max %.0f ms, target < 1000 ms: %s", serviceSwap.size(), max(serviceSwap),
                        max(serviceSwap) < 1000 ? "met" : "NOT met"));
        report.row("phase", "swap latency (observed)", "p50 ms", pct(observedSwap, 50), "p99 ms", pct(observedSwap, 99),
                "notes", "checkpoint acknowledged by Kafka -> first new-version result consumed by the benchmark");
        report.row("phase", "throughput around a swap", "tweets/s", avgAfter,
                "notes", String.format("3 s after each event: mean %.1f, worst %.1f tweets/s; 3 s before: %.1f tweets/s "
                        + "(change %+.0f%% on average, %+.0f%% worst). Longest pause between results: %.0f ms around "
                        + "the swaps (p50) vs %.0f ms in the 3 s before", avgAfter, minAfter, avgBefore,
                        100 * (avgAfter / avgBefore - 1), 100 * (minAfter / avgBefore - 1), pct(pauseAround, 50),
                        pct(pauseBefore, 50)));
        int missing = 0;
        for (String id : sentAt.keySet()) {
            if (!seen.contains(id)) {
                missing++;
            }
        }
        report.context("tweets sent / results", sentAt.size() + " / " + seen.size() + " (missing " + missing + ")");
    }

    // ------------------------------------------------------------------ traffic

    private String send(KafkaProducer<String, byte[]> producer, String phase) {
        long n = counter.getAndIncrement();
        String id = phase + "-" + run + "-" + n;
        String text = tweets.get((int) (n % tweets.size()));
        sentAt.put(id, System.nanoTime());
        producer.send(new ProducerRecord<>(Topics.TWEETS, id,
                ContractJson.write(new TweetMessage(1, id, text, Instant.now(), null))));
        return id;
    }

    /** Keeps {@code ahead} tweets sent but not yet answered. */
    private final class Backlog implements AutoCloseable {
        private final Thread thread;
        private volatile boolean running = true;

        Backlog(KafkaProducer<String, byte[]> producer, int ahead) {
            thread = new Thread(() -> {
                while (running) {
                    if (sentAt.size() - seen.size() < ahead) {
                        for (int i = 0; i < 50; i++) {
                            send(producer, "sat");
                        }
                    } else {
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
                producer.flush();
            }, "backlog");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join();
        }
    }

    /** Consumes lorastream.sentiments in the background. */
    private final class ResultReader implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final Thread thread;
        private volatile boolean running = true;

        ResultReader(String bootstrap) {
            consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "group.id", "bench-" + run,
                    "auto.offset.reset", "earliest", "enable.auto.commit", "false"),
                    new StringDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of(Topics.SENTIMENTS));
            thread = new Thread(() -> {
                while (running) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                        long now = System.nanoTime();
                        SentimentResult s = ContractJson.read(r.value(), SentimentResult.class);
                        if (!seen.add(s.tweetId())) {
                            duplicates.incrementAndGet();
                        }
                        received.add(new Received(s.tweetId(), s.adapter(), now, s.latencyMs()));
                    }
                }
                consumer.close();
            }, "results");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join();
        }
    }

    private void drain() throws InterruptedException {
        awaitReceived(sentAt.size(), 300);
    }

    private void awaitReceived(int n, int timeoutSeconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (seen.size() < n) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("only " + seen.size() + " of " + n + " results after " + timeoutSeconds + " s");
            }
            Thread.sleep(20);
        }
    }

    private long awaitFirstFrom(String adapter, int timeoutSeconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < end) {
            for (Received r : received) {
                if (adapter.equals(r.adapter())) {
                    return r.atNanos();
                }
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("no result from " + adapter + " within " + timeoutSeconds + " s");
    }

    /** Longest gap between consecutive results received in the window (results come in batch bursts). */
    private double longestPauseMs(long fromNanos, long toNanos) {
        long[] t = received.stream().mapToLong(Received::atNanos).filter(x -> x >= fromNanos && x < toNanos)
                .sorted().toArray();
        long longest = 0;
        for (int i = 1; i < t.length; i++) {
            longest = Math.max(longest, t[i] - t[i - 1]);
        }
        return longest / 1e6;
    }

    private int countReceivedBetween(long fromNanos, long toNanos) {
        int n = 0;
        for (Received r : received) {
            if (r.atNanos() >= fromNanos && r.atNanos() < toNanos) {
                n++;
            }
        }
        return n;
    }

    private List<Double> serviceLatencies(long fromNanos, long toNanos) {
        List<Double> out = new ArrayList<>();
        for (Received r : received) {
            if (r.atNanos() >= fromNanos && r.atNanos() < toNanos) {
                out.add(r.serviceLatencyMs());
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ the service

    private Path serviceJar() {
        String given = System.getProperty("lorastream.inference.jar");
        if (given != null) {
            return Path.of(given);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path jar = p.resolve("inference-service/target/quarkus-app/quarkus-run.jar");
            if (Files.exists(jar)) {
                return jar;
            }
        }
        throw new IllegalStateException("inference-service is not packaged: run ./mvnw -q -pl inference-service -am "
                + "package -DskipTests (or pass -Dlorastream.inference.jar=...)");
    }

    private String freshDatabase() throws Exception {
        String url = TestDatabases.jdbcUrl("lorastream_inference_bench");
        try (Connection c = DriverManager.getConnection(url, TestDatabases.username(), TestDatabases.password());
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS public CASCADE");
            s.execute("CREATE SCHEMA public");
        }
        return url;
    }

    private Process startService(Path jar, String bootstrap, String jdbc, int port) throws IOException {
        Path log = work.resolve("service.log");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true", "-DRUST_FLAVOR=cpu", "-Dai.djl.pytorch.num_threads=1",
                "-Dquarkus.log.level=INFO", "-Dquarkus.log.category.\"org.apache.kafka\".level=WARN",
                "-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("QUARKUS_DATASOURCE_JDBC_URL", jdbc);
        env.put("QUARKUS_DATASOURCE_USERNAME", TestDatabases.username());
        env.put("QUARKUS_DATASOURCE_PASSWORD", TestDatabases.password());
        env.put("INFERENCE_HTTP_PORT", Integer.toString(port));
        env.put("LORASTREAM_MODEL_PATH", model.toString());
        env.put("LORASTREAM_SWAP_POLICY", "always");
        env.put("LORASTREAM_INFERENCE_ADAPTERS_CACHE_DIR", work.resolve("adapter-cache").toString());
        env.put("LORASTREAM_INFERENCE_ADAPTERS_INSTANCE_ID", "bench-" + run);
        report.context("service log", log);
        return pb.start();
    }

    private void awaitReady(int port, Process service) throws Exception {
        long t0 = System.nanoTime();
        long end = t0 + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < end) {
            if (!service.isAlive()) {
                throw new IllegalStateException("the service exited with " + service.exitValue() + "; see "
                        + work.resolve("service.log"));
            }
            try {
                if (get(port, "/q/health/ready").statusCode() == 200) {
                    report.context("service ready after", String.format("%.1f s (process start -> readiness UP)",
                            (System.nanoTime() - t0) / 1e9));
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the service did not become ready in 180 s");
    }

    private void awaitActive(int port, String ref) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            if (get(port, "/adapters").body().contains("\"active\":\"" + ref + "\"")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(ref + " did not become active");
    }

    private static final Pattern SUM = Pattern.compile("lorastream_inference_swap_latency_seconds_sum(?:\\{[^}]*})? ([0-9.Ee+-]+)");
    private static final Pattern COUNT = Pattern.compile("lorastream_inference_swap_latency_seconds_count(?:\\{[^}]*})? ([0-9.Ee+-]+)");

    /** {sum seconds, count} of the service's swap-latency timer. */
    private static double[] swapLatencyMetric(int port) throws Exception {
        String body = get(port, "/q/metrics").body();
        Matcher s = SUM.matcher(body);
        Matcher c = COUNT.matcher(body);
        return new double[] {s.find() ? Double.parseDouble(s.group(1)) : 0, c.find() ? Double.parseDouble(c.group(1)) : 0};
    }

    private static double[] awaitSwapLatencyMetric(int port, double count) throws Exception {
        for (int i = 0; i < 200; i++) {
            double[] m = swapLatencyMetric(port);
            if (m[1] >= count) {
                return m;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the service's swap latency metric did not move");
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void publishCheckpoint(KafkaProducer<String, byte[]> producer, Path dir, int version, String baseSha)
            throws Exception {
        CheckpointEvent e = CheckpointEvent.of("bench-" + run, "bench-" + run, version, version * 10, false,
                "stories260K-hf", baseSha, dir.toUri().toString(), Digests.adapterSha256(dir),
                new CheckpointMetrics(1.0, 1.0, 0.5, 0.5, 0.5, "completion"));
        producer.send(new ProducerRecord<>(Topics.CHECKPOINTS, e.adapterId(), ContractJson.write(e))).get();
    }

    // ------------------------------------------------------------------ set-up helpers

    private Path adapter(String name, long seed) {
        LlamaConfig cfg = LlamaConfig.load(model.resolve("config.json"));
        Path dir = work.resolve("adapters").resolve(name);
        SplittableRandom rng = new SplittableRandom(seed);
        try (LoraAdapter a = LoraAdapter.init(cfg, LORA, seed, Device.cpu())) {
            a.savePeft(dir, model.toString());
            SafetensorsWriter w = new SafetensorsWriter();
            a.peftTensors().forEach((tensor, array) -> {
                if (tensor.endsWith("lora_B.weight")) {
                    float[] b = new float[(int) array.size()];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = (float) ((rng.nextDouble() * 2 - 1) * 0.3);
                    }
                    w.putF32(tensor, array.getShape().getShape(), b);
                } else {
                    w.putF32(tensor, array);
                }
            });
            w.write(dir.resolve(LoraAdapter.WEIGHTS_FILE));
        }
        return dir;
    }

    private static void createTopics(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(Topics.TWEETS, 3, (short) 1), new NewTopic(Topics.SENTIMENTS, 3, (short) 1),
                    new NewTopic(Topics.CHECKPOINTS, 1, (short) 1))).all().get();
        }
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all", "linger.ms", "1"),
                new StringSerializer(), new ByteArraySerializer());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static double pct(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        int i = (int) Math.ceil(p / 100.0 * v.length) - 1;
        return v[Math.max(0, Math.min(v.length - 1, i))];
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
