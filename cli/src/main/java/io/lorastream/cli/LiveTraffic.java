package io.lorastream.cli;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.SentimentResult;
import io.lorastream.contracts.Topics;
import io.lorastream.contracts.TweetMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Streams tweets onto {@link Topics#TWEETS} as live traffic and collects their results from
 * {@link Topics#SENTIMENTS}: one result per tweet, end-to-end latency, throughput.
 */
final class LiveTraffic {

    /** A tweet to send, with its gold label for scoring. */
    record Tweet(String id, String text, String goldLabel) {}

    /** What came back. {@code results} maps tweet id to its (first) result. */
    record Outcome(Map<String, SentimentResult> results, int duplicates, double seconds, double p50Ms, double p99Ms) {}

    private final String bootstrap;

    LiveTraffic(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /**
     * Sends {@code tweets} at up to {@code ratePerSecond} (0 = as fast as possible) and waits until every
     * one has a result or {@code timeout} passes.
     */
    Outcome run(List<Tweet> tweets, double ratePerSecond, Duration timeout, ProgressBar progress) {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "lorastream-cli-" + UUID.randomUUID());
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");

        Map<String, Long> sentAt = new HashMap<>();
        Map<String, SentimentResult> results = new LinkedHashMap<>();
        List<Double> latencies = new ArrayList<>();
        int duplicates = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp, new StringDeserializer(),
                new StringDeserializer());
                KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(),
                        new StringSerializer())) {
            consumer.subscribe(List.of(Topics.SENTIMENTS));
            while (consumer.assignment().isEmpty()) { // join before sending, so no result is missed
                consumer.poll(Duration.ofMillis(100));
            }
            consumer.seekToEnd(consumer.assignment());
            consumer.assignment().forEach(consumer::position);

            long start = System.nanoTime();
            long deadline = start + timeout.toNanos();
            int next = 0;
            while (results.size() < tweets.size() && System.nanoTime() < deadline) {
                double elapsed = (System.nanoTime() - start) / 1e9;
                int due = ratePerSecond <= 0 ? tweets.size() : (int) Math.min(tweets.size(), elapsed * ratePerSecond + 1);
                for (; next < due; next++) {
                    Tweet t = tweets.get(next);
                    sentAt.put(t.id(), System.nanoTime());
                    TweetMessage msg = new TweetMessage(1, t.id(), t.text(), Instant.now(), null);
                    producer.send(new ProducerRecord<>(Topics.TWEETS, t.id(), ContractJson.writeString(msg)));
                }
                producer.flush();
                for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(50))) {
                    SentimentResult r = ContractJson.read(rec.value(), SentimentResult.class);
                    Long sent = sentAt.get(r.tweetId());
                    if (sent == null) {
                        continue; // someone else's traffic
                    }
                    if (results.putIfAbsent(r.tweetId(), r) != null) {
                        duplicates++;
                    } else {
                        latencies.add((System.nanoTime() - sent) / 1e6);
                    }
                }
                if (progress != null) {
                    progress.update(results.size(), tweets.size(), results.size() + "/" + tweets.size() + " results");
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double[] l = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new Outcome(results, duplicates, seconds, percentile(l, 0.50), percentile(l, 0.99));
        }
    }

    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

}
