package io.lorastream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.PromptTemplate;
import io.lorastream.contracts.SentimentLabel;
import io.lorastream.contracts.SentimentResult;
import io.lorastream.llm.ClassificationMetrics;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The main job, on a running stack: ingest TweetEval (the reference run's 1,000 / 200 by default),
 * request training, follow the run, wait until inference serves the new adapter, stream test tweets
 * through Kafka as live traffic, then print the report and save it as HTML. Started by
 * {@code bin/lorastream run}; talks to the services only through their REST APIs and Kafka.
 */
public final class MainJob {
    private static final PrintStream OUT = System.out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<String, String> opt;

    private MainJob(Map<String, String> opt) {
        this.opt = opt;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        try {
            new MainJob(opt).run();
        } catch (JobFailure e) {
            System.err.println("[lorastream] " + e.getMessage());
            System.exit(1);
        }
    }

    private void run() throws Exception {
        String ingest = opt.get("ingest"), trainer = opt.get("trainer"), inference = opt.get("inference");
        String source = opt.get("source");
        int train = Integer.parseInt(opt.getOrDefault("train", "1000"));
        int validation = Integer.parseInt(opt.getOrDefault("validation", "200"));

        // 1. ingest
        ObjectNode body = ContractJson.mapper().createObjectNode();
        body.putObject("source").put(source.startsWith("http://") || source.startsWith("https://") ? "url" : "dir", source);
        body.putArray("splits").add("train").add("validation");
        body.putObject("sampling").put("trainSize", train).put("validationSize", validation);
        JsonNode dataset = post(ingest + "/datasets", body);
        String datasetId = dataset.path("id").asText(dataset.path("datasetId").asText());
        ProgressBar ingestBar = new ProgressBar(OUT, "ingest " + datasetId);
        while (!"SEALED".equals(dataset.path("status").asText())) {
            if ("FAILED".equals(dataset.path("status").asText())) {
                throw new JobFailure("ingest failed: " + dataset.path("error").asText());
            }
            ingestBar.update(dataset.path("progress").path("percent").asDouble(), 100,
                    dataset.path("progress").path("phase").asText());
            Thread.sleep(500);
            dataset = get(ingest + "/datasets/" + datasetId);
        }
        ingestBar.finish(dataset.path("recordCount").asLong() + " records, " + dataset.path("rejected").asLong()
                + " rows rejected");

        // 2. training request
        ObjectNode request = ContractJson.mapper().createObjectNode();
        if (opt.containsKey("base-model")) {
            request.put("baseModel", opt.get("base-model"));
        }
        ObjectNode hp = request.putObject("hyperParameters");
        if (opt.containsKey("steps")) {
            hp.put("maxSteps", Integer.parseInt(opt.get("steps")));
        }
        JsonNode trainingRequest = post(ingest + "/datasets/" + datasetId + "/training-requests", request);
        String requestId = trainingRequest.path("requestId").asText();

        // 3. follow the run
        JsonNode run = null;
        ProgressBar trainBar = new ProgressBar(OUT, "train");
        long trainStart = System.nanoTime();
        while (true) {
            if (run == null) {
                for (JsonNode r : get(trainer + "/runs")) {
                    if (requestId.equals(r.path("requestId").asText())) {
                        run = r;
                    }
                }
            } else {
                run = get(trainer + "/runs/" + run.path("id").asText());
            }
            if (run != null) {
                String status = run.path("status").asText();
                JsonNode p = run.path("progress");
                trainBar.update(run.path("completedSteps").asInt(), Math.max(1, run.path("maxSteps").asInt()),
                        p.isMissingNode() || p.isNull() ? status : String.format("loss %.4f, %.0f tok/s, ETA %.0f s",
                                p.path("loss").asDouble(), p.path("tokensPerSecond").asDouble(), p.path("etaSeconds").asDouble()));
                if ("COMPLETED".equals(status)) {
                    break;
                }
                if ("FAILED".equals(status) || "CANCELLED".equals(status)) {
                    throw new JobFailure("training run " + run.path("id").asText() + " " + status + ": "
                            + run.path("cause").asText());
                }
            }
            Thread.sleep(1000);
        }
        double trainingSeconds = (System.nanoTime() - trainStart) / 1e9;
        trainBar.finish("done");
        JsonNode last = null;
        for (JsonNode c : run.path("checkpoints")) {
            if (last == null || c.path("version").asInt() > last.path("version").asInt()) {
                last = c;
            }
        }
        if (last == null) {
            throw new JobFailure("run " + run.path("id").asText() + " completed without a checkpoint");
        }
        String adapterRef = last.path("adapterId").asText() + "@" + last.path("version").asInt();

        // 4. wait for the hot swap
        ProgressBar swapBar = new ProgressBar(OUT, "hot swap " + adapterRef);
        long swapStart = System.nanoTime();
        while (true) {
            JsonNode adapters = get(inference + "/adapters");
            if (adapterRef.equals(adapters.path("active").asText())) {
                break;
            }
            for (JsonNode row : adapters.path("adapters")) {
                if (adapterRef.equals(row.path("ref").asText()) && "REJECTED".equals(row.path("status").asText())) {
                    throw new JobFailure("inference rejected " + adapterRef + ": " + row.path("reason").asText());
                }
            }
            if ((System.nanoTime() - swapStart) > Duration.ofMinutes(5).toNanos()) {
                throw new JobFailure("inference did not activate " + adapterRef + " within 5 minutes (policy "
                        + adapters.path("policy").asText() + ")");
            }
            Thread.sleep(200);
        }
        double swapSeconds = (System.nanoTime() - swapStart) / 1e9;
        swapBar.finish(String.format("active after %.2f s", swapSeconds));

        // 5. live traffic: test tweets through Kafka
        List<LiveTraffic.Tweet> tweets = testTweets(source, Integer.parseInt(opt.getOrDefault("tweets", "500")));
        ProgressBar liveBar = new ProgressBar(OUT, "live tweets");
        LiveTraffic.Outcome outcome = new LiveTraffic(opt.get("kafka")).run(tweets,
                Double.parseDouble(opt.getOrDefault("rate", "0")), Duration.ofMinutes(10), liveBar);
        liveBar.finish(outcome.results().size() + " results");
        List<String> gold = new ArrayList<>(), predicted = new ArrayList<>();
        for (LiveTraffic.Tweet t : tweets) {
            SentimentResult r = outcome.results().get(t.id());
            if (r != null) {
                gold.add(t.goldLabel());
                predicted.add(r.label());
            }
        }
        if (gold.isEmpty()) {
            throw new JobFailure("no live results came back from inference");
        }
        ClassificationMetrics m = ClassificationMetrics.of(gold, predicted, SentimentLabel.texts());

        // 6. report
        Map<Integer, Double> validationAt = new HashMap<>();
        for (JsonNode c : run.path("checkpoints")) {
            if (c.hasNonNull("validationLoss")) {
                validationAt.put(c.path("step").asInt(), c.path("validationLoss").asDouble());
            }
        }
        List<RunReport.LossPoint> losses = new ArrayList<>();
        for (JsonNode s : run.path("lossCurve")) {
            if (s.hasNonNull("loss")) {
                int step = s.path("step").asInt();
                losses.add(new RunReport.LossPoint(step, s.path("loss").asDouble(), validationAt.get(step)));
            }
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        dataset.path("counts").fields().forEachRemaining(e -> {
            long n = 0;
            for (JsonNode v : e.getValue()) {
                n += v.asLong();
            }
            counts.put(e.getKey(), n);
        });
        RunReport report = new RunReport(datasetId, counts, run.path("baseModel").asText(), run.path("id").asText(),
                adapterRef, last.path("lossOn").asText("completion"), losses, trainingSeconds, swapSeconds,
                m.labels(), m.confusion(), m.accuracy(), m.macroRecall(), m.macroF1(), gold.size(),
                gold.size() / outcome.seconds(), outcome.p50Ms(), outcome.p99Ms());
        OUT.println(ReportWriter.text(report));
        if (outcome.duplicates() > 0 || gold.size() < tweets.size()) {
            OUT.printf("note: %d duplicate results, %d tweets without a result%n", outcome.duplicates(),
                    tweets.size() - gold.size());
        }
        Path html = Path.of(opt.getOrDefault("report", "lorastream-report.html"));
        ReportWriter.html(report, html);
        OUT.println("report saved to " + html.toAbsolutePath());
    }

    /** The first {@code n} tweets of the test split (local folder or base URL), with their gold labels. */
    private List<LiveTraffic.Tweet> testTweets(String source, int n) throws IOException, InterruptedException {
        List<String> texts = lines(source, "test_text.txt");
        List<String> labels = lines(source, "test_labels.txt");
        List<LiveTraffic.Tweet> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, Math.min(texts.size(), labels.size())); i++) {
            String text = PromptTemplate.normalizeTweet(texts.get(i));
            String label = SentimentLabel.parse(labels.get(i)).map(SentimentLabel::text).orElse(null);
            if (!text.isEmpty() && label != null) {
                out.add(new LiveTraffic.Tweet("live-" + i + "-" + System.currentTimeMillis(), text, label));
            }
        }
        return out;
    }

    private List<String> lines(String source, String file) throws IOException, InterruptedException {
        if (source.startsWith("http://") || source.startsWith("https://")) {
            String base = source.endsWith("/") ? source : source + "/";
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + file)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() != 200) {
                throw new JobFailure("GET " + base + file + " answered " + r.statusCode());
            }
            return r.body().lines().toList();
        }
        return Files.readAllLines(Path.of(source, file), StandardCharsets.UTF_8);
    }

    private JsonNode get(String url) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    private JsonNode post(String url, JsonNode body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() >= 400) {
            throw new JobFailure(request.method() + " " + request.uri() + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body().isBlank() ? ContractJson.mapper().createObjectNode() : ContractJson.mapper().readTree(r.body());
    }

    /** A step of the job failed; the message says which and why. */
    static final class JobFailure extends RuntimeException {
        JobFailure(String message) {
            super(message);
        }
    }
}
