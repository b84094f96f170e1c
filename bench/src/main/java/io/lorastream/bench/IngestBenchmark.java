package io.lorastream.bench;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.DatasetSealed;
import io.lorastream.contracts.Digests;
import io.lorastream.contracts.PromptRecord;
import io.lorastream.contracts.Split;
import io.lorastream.contracts.Topics;
import io.lorastream.ingest.messaging.KafkaRecordSink;
import io.lorastream.ingest.service.DatasetFiles;
import io.lorastream.ingest.service.DirectoryFiles;
import io.lorastream.ingest.service.ExampleSet;
import io.lorastream.ingest.service.IngestParameters;
import io.lorastream.ingest.service.IngestPipeline;
import io.lorastream.ingest.service.IngestProgress;
import io.lorastream.ingest.service.SampledDataset;
import io.lorastream.ingest.service.SourceRef;
import io.lorastream.ingest.service.ValidationRules;
import io.lorastream.testing.SharedAssets;
import io.lorastream.testing.SharedKafka;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Ingest throughput, end to end through a real broker: read the full TweetEval train split (45,615
 * rows) from ../shared, validate it (strict UTF-8, limits, labels, duplicates), take every valid
 * example, format the prompt records, hash them, publish them (idempotent producer, acks=all, keyed
 * by datasetId) and seal the dataset. Target: under 10 s on 2 cores.
 *
 * <p>It runs the service's own code (the plain {@code service} classes and {@link KafkaRecordSink}),
 * not a copy: bench depends on the ingest-service jar without its Quarkus runtime. The producer gets
 * the settings of the service's {@code prompt-records} channel, read from the service's
 * application.properties. What it leaves out is the service's REST call and its few database
 * updates. Afterwards every record is read back from the broker and its digest checked against the
 * seal (timed separately; not part of the ingest).
 *
 * <p>Usage: {@code bench/run IngestBenchmark [runs]} (default 3; the first includes JIT warm-up).
 * Uses {@code KAFKA_BOOTSTRAP_SERVERS} when set, else an in-JVM KRaft broker.
 */
public final class IngestBenchmark {
    private static final String CHANNEL_PREFIX = "mp.messaging.outgoing.prompt-records.";
    private static final List<String> NOT_PRODUCER_KEYS = List.of("connector", "topic");

    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"); // Kafka's config dumps drown the table
        }
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path dir = SharedAssets.tweetEvalSentiment();
        long bytes = Files.size(dir.resolve("train_text.txt")) + Files.size(dir.resolve("train_labels.txt"));
        long t0 = System.nanoTime();
        String bootstrap = SharedKafka.bootstrapServers();
        double brokerStart = seconds(t0);
        Map<String, Object> producerConfig = channelProducerConfig(bootstrap);

        BenchReport report = new BenchReport("ingest")
                .context("dataset", "TweetEval sentiment train split, " + dir)
                .context("input", String.format("45,615 rows, %.1f MB (text + labels)", bytes / 1e6))
                .context("broker", (System.getenv("KAFKA_BOOTSTRAP_SERVERS") == null ? "in-JVM KRaft broker " : "external ")
                        + bootstrap + String.format(" (started in %.1f s, not counted)", brokerStart))
                .context("producer", producerConfig.entrySet().stream().filter(e -> !e.getKey().equals("bootstrap.servers"))
                        .map(e -> e.getKey() + "=" + e.getValue()).sorted().toList())
                .context("measured", "read + validate, sample (everything) + format + sha256, publish until every "
                        + "record is acknowledged, publish DatasetSealed; then (apart) consume back and verify")
                .context("load_average_at_start", BenchReport.loadAverage());

        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
            for (int run = 1; run <= runs; run++) {
                report.row(measure(run, dir, producer, bootstrap));
            }
        }
        report.context("load_average_at_end", BenchReport.loadAverage());
        report.context("rss_mb", Math.round(BenchReport.rssMb()));
        report.finish();
        System.exit(0); // the in-JVM broker's threads are not daemons
    }

    private static Object[] measure(int run, Path dir, KafkaProducer<String, String> producer, String bootstrap)
            throws IOException {
        IngestPipeline pipeline = new IngestPipeline(ValidationRules.defaults(), 10_000);
        IngestParameters params = IngestParameters.everything(List.of(Split.TRAIN), ValidationRules.DEFAULT_MAX_CHARS);
        // a distinct source per run, so each run is its own dataset (re-ingesting one would publish nothing)
        SourceRef source = new SourceRef(SourceRef.Kind.DIR, dir + "#bench-run-" + run + "-" + System.nanoTime());
        String datasetId = io.lorastream.ingest.service.DatasetIds.of(source, params);
        IngestProgress progress = new IngestProgress(Duration.ofSeconds(1), s -> System.err.printf(
                "  run %d %s: %.1f%%, %.0f/s%n", run, s.phase(), s.percent(), s.perSecond()));
        DatasetFiles files = new DirectoryFiles(dir);

        long start = System.nanoTime();
        ExampleSet set = pipeline.readTweetEval(files, params.splits(), progress);
        double read = seconds(start);

        long t = System.nanoTime();
        SampledDataset ds = pipeline.sample(datasetId, set, params);
        double format = seconds(t);

        t = System.nanoTime();
        pipeline.publish(ds, new KafkaRecordSink(producer, Topics.PROMPT_RECORDS, 2048), progress);
        double publish = seconds(t);

        t = System.nanoTime();
        DatasetSealed sealed = ds.sealed(source, Instant.now());
        try {
            producer.send(new ProducerRecord<>(Topics.DATASETS, datasetId, ContractJson.writeString(sealed))).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish DatasetSealed", e);
        }
        progress.sealed();
        double seal = seconds(t);
        double total = seconds(start);

        t = System.nanoTime();
        List<PromptRecord> back = readBack(bootstrap, datasetId, ds.records().size());
        double consume = seconds(t);
        String digest = Digests.datasetSha256(back);
        if (back.size() != sealed.recordCount() || !digest.equals(sealed.sha256())) {
            throw new IllegalStateException("read back " + back.size() + " records with sha256 " + digest
                    + ", the seal says " + sealed.recordCount() + " / " + sealed.sha256());
        }
        long rows = set.rowsRead().get(Split.TRAIN);
        return new Object[] {
            "run", run + (run == 1 ? " (cold)" : ""),
            "rows", rows,
            "rejected", set.rejects().total(),
            "records", ds.records().size(),
            "read_validate_s", read,
            "format_hash_s", format,
            "publish_ack_s", publish,
            "seal_s", seal,
            "total_s", total,
            "rows_per_s", Math.round(rows / total),
            "records_per_s", Math.round(ds.records().size() / total),
            "publish_records_per_s", Math.round(ds.records().size() / publish),
            "verify_consume_s", consume,
            "verified", "count + sha256",
        };
    }

    /** Every record of one dataset, read from the start of the topic, in order. */
    private static List<PromptRecord> readBack(String bootstrap, String datasetId, int expected) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("max.poll.records", "5000");
        List<PromptRecord> out = new ArrayList<>(expected);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(Topics.PROMPT_RECORDS, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (datasetId.equals(r.key())) {
                        out.add(ContractJson.read(r.value(), PromptRecord.class));
                    }
                }
            }
        }
        return out;
    }

    /**
     * The producer settings of the service's {@code prompt-records} channel, from its
     * application.properties (in the ingest-service jar), so the benchmark publishes as the service does.
     */
    static Map<String, Object> channelProducerConfig(String bootstrap) throws IOException {
        Properties props = new Properties();
        URL found = null;
        for (URL url : Collections.list(IngestBenchmark.class.getClassLoader().getResources("application.properties"))) {
            if (url.toString().contains("ingest-service")) {
                found = url;
            }
        }
        if (found == null) {
            throw new IllegalStateException("ingest-service's application.properties is not on the classpath");
        }
        try (InputStream in = found.openStream()) {
            props.load(in);
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("bootstrap.servers", bootstrap);
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith(CHANNEL_PREFIX)) {
                String name = key.substring(CHANNEL_PREFIX.length());
                if (!NOT_PRODUCER_KEYS.contains(name) && !name.endsWith(".serializer")) {
                    config.put(name, props.getProperty(key));
                }
            }
        }
        return config;
    }

    private static double seconds(long since) {
        return Math.round((System.nanoTime() - since) / 1e6) / 1000.0;
    }
}
