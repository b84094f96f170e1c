package io.lorastream.inference.messaging;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.SentimentResult;
import io.lorastream.contracts.Topics;
import io.lorastream.inference.config.InferenceConfig;
import io.lorastream.inference.domain.AdapterRef;
import io.lorastream.inference.messaging.TweetDecoder.Decoded;
import io.lorastream.inference.messaging.TweetDecoder.Rejected;
import io.lorastream.inference.messaging.TweetDecoder.Tweet;
import io.lorastream.inference.service.AdapterLease;
import io.lorastream.inference.service.AdapterManager;
import io.lorastream.inference.service.InferenceMetrics;
import io.lorastream.inference.service.ModelService;
import io.lorastream.llm.Classification;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;

/**
 * The tweet loop: one thread owning a plain {@link KafkaConsumer}. Each turn it gathers a micro-batch
 * (up to {@code batch.max-size} records, or whatever arrived within {@code batch.max-wait} of the
 * first), leases the active adapter once for the whole batch, classifies, publishes one
 * {@link SentimentResult} per tweet (keyed by tweet id) or a dead letter per bad record, waits until
 * Kafka has acknowledged every one of them, and only then commits the batch's offsets.
 *
 * <ul>
 *   <li>A swap lands between batches: the lease is taken once per batch, results name its version.
 *   <li>At least once: nothing is committed before its results are acknowledged; a failed publish
 *       rewinds to the batch's first offsets and redoes it (the idempotent producer keeps retries of
 *       one send from duplicating; a redone batch may repeat results, with the same ids and version).
 *   <li>Records of partitions revoked in a rebalance are dropped unprocessed (the new owner reads them
 *       from the committed offset), so a rebalance produces no duplicates.
 *   <li>A clean stop finishes the batch in hand and commits it before closing the consumer.
 * </ul>
 */
@ApplicationScoped
public class TweetStream {
    private static final Logger LOG = Logger.getLogger(TweetStream.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(100);

    public enum State { NOT_STARTED, RUNNING, STOPPED, FAILED, DISABLED }

    /** A record and when this service received it (start of its latency). */
    private record Polled(ConsumerRecord<String, byte[]> record, long receivedNanos) {
        TopicPartition partition() {
            return new TopicPartition(record.topic(), record.partition());
        }
    }

    private final InferenceConfig config;
    private final KafkaClients kafka;
    private final ModelService model;
    private final AdapterManager adapters;
    private final InferenceMetrics metrics;
    private final TweetDecoder decoder;
    private final String dlqTopic;

    private final ArrayDeque<Polled> pending = new ArrayDeque<>(); // loop thread only
    private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();
    private volatile State state = State.NOT_STARTED;
    private volatile String failure;
    private volatile boolean running;
    private Thread thread;

    public TweetStream(InferenceConfig config, KafkaClients kafka, ModelService model, AdapterManager adapters,
            InferenceMetrics metrics) {
        this.config = config;
        this.kafka = kafka;
        this.model = model;
        this.adapters = adapters;
        this.metrics = metrics;
        this.decoder = new TweetDecoder(config.stream().maxChars());
        this.dlqTopic = Topics.dlq(config.stream().tweetsTopic());
    }

    public synchronized void start() {
        if (!config.stream().enabled()) {
            state = State.DISABLED;
            return;
        }
        if (thread != null) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "tweet-stream");
        thread.start();
    }

    /** Finishes the batch in hand (publish + commit), then leaves the group. */
    public void stop() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        if (t != null) {
            try {
                t.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public State state() {
        return state;
    }

    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    public int assignedPartitions() {
        return assigned.size();
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> consumer = kafka.tweetConsumer()) {
            consumer.subscribe(List.of(config.stream().tweetsTopic()), new DropRevoked());
            state = State.RUNNING;
            LOG.infof("tweet stream started: %s -> %s (group %s, batches of <= %d within %d ms)",
                    config.stream().tweetsTopic(), config.stream().resultsTopic(), config.stream().groupId(),
                    config.batch().maxSize(), config.batch().maxWait().toMillis());
            while (running) {
                List<Polled> batch = nextBatch(consumer);
                if (!batch.isEmpty()) {
                    handle(consumer, batch);
                }
            }
            state = State.STOPPED;
        } catch (Throwable t) {
            failure = t.toString();
            state = State.FAILED;
            LOG.error("tweet stream failed; liveness is DOWN", t);
        } finally {
            pending.clear();
            assigned.clear();
        }
    }

    /** Up to max-size records: returns as soon as the batch is full or max-wait passed since its first record. */
    private List<Polled> nextBatch(KafkaConsumer<String, byte[]> consumer) {
        int max = Math.max(1, config.batch().maxSize());
        long maxWait = config.batch().maxWait().toNanos();
        while (running && pending.size() < max) {
            Duration timeout;
            if (pending.isEmpty()) {
                timeout = IDLE_POLL;
            } else {
                long left = pending.peekFirst().receivedNanos() + maxWait - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                timeout = Duration.ofNanos(left);
            }
            var records = consumer.poll(timeout); // rebalance callbacks run in here
            long now = System.nanoTime();
            for (ConsumerRecord<String, byte[]> r : records) {
                pending.add(new Polled(r, now));
            }
            if (pending.isEmpty()) {
                return List.of(); // idle: let the caller look at `running`
            }
        }
        List<Polled> batch = new ArrayList<>(Math.min(max, pending.size()));
        while (batch.size() < max && !pending.isEmpty()) {
            batch.add(pending.pollFirst());
        }
        return batch;
    }

    private void handle(KafkaConsumer<String, byte[]> consumer, List<Polled> batch) {
        int n = batch.size();
        SentimentResult[] results = new SentimentResult[n];
        Rejected[] rejected = new Rejected[n];
        classify(batch, results, rejected);

        KafkaProducer<String, byte[]> producer = kafka.producer();
        List<Future<RecordMetadata>> acks = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                acks.add(producer.send(results[i] != null ? resultRecord(results[i]) : deadLetter(batch.get(i), rejected[i])));
            }
            producer.flush();
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            rewind(consumer, batch, e);
            return;
        } catch (ExecutionException | KafkaException e) {
            rewind(consumer, batch, e);
            return;
        }
        commit(consumer, batch);

        long acked = System.nanoTime();
        List<Long> latencies = new ArrayList<>(n);
        Set<AdapterRef> producers = new HashSet<>();
        for (int i = 0; i < n; i++) {
            if (results[i] != null) {
                latencies.add(acked - batch.get(i).receivedNanos());
                producers.add(AdapterRef.parse(results[i].adapter()));
            } else {
                metrics.deadLettered(rejected[i].reason().code());
            }
        }
        metrics.streamBatch(latencies.size(), latencies.stream().mapToLong(Long::longValue).toArray());
        producers.forEach(adapters::resultsPublished);
    }

    /** Decodes, groups by adapter (the active one, or a pin), classifies each group under one lease. */
    private void classify(List<Polled> batch, SentimentResult[] results, Rejected[] rejected) {
        Map<Optional<AdapterRef>, List<Integer>> groups = new LinkedHashMap<>();
        Tweet[] tweets = new Tweet[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            ConsumerRecord<String, byte[]> r = batch.get(i).record();
            Decoded d = decoder.decode(r.topic(), r.partition(), r.offset(), r.key(), r.value());
            if (d instanceof Tweet t) {
                tweets[i] = t;
                groups.computeIfAbsent(Optional.ofNullable(t.pin()), k -> new ArrayList<>()).add(i);
            } else {
                rejected[i] = (Rejected) d;
            }
        }
        for (var group : groups.entrySet()) {
            List<Integer> idx = group.getValue();
            Optional<AdapterLease> lease = group.getKey().isEmpty()
                    ? Optional.of(adapters.leaseActive())
                    : adapters.lease(group.getKey().get());
            if (lease.isEmpty()) {
                for (int i : idx) {
                    rejected[i] = new Rejected(RejectReason.ADAPTER_UNAVAILABLE, "pinned adapter "
                            + group.getKey().get() + " is not loaded (in memory: " + adapters.loadedRefs() + ")");
                }
                continue;
            }
            try (AdapterLease l = lease.get()) {
                List<String> texts = idx.stream().map(i -> tweets[i].text()).toList();
                List<Object> out = classifyOrIsolate(texts, l);
                long now = System.nanoTime();
                for (int k = 0; k < idx.size(); k++) {
                    int i = idx.get(k);
                    if (out.get(k) instanceof Classification c) {
                        results[i] = SentimentResult.of(tweets[i].id(), c.label(), c.probabilities(), l.ref().toString(),
                                (now - batch.get(i).receivedNanos()) / 1e6);
                    } else {
                        rejected[i] = (Rejected) out.get(k);
                    }
                }
            }
        }
    }

    /** The whole group in one forward; if that fails, tweet by tweet, so one bad tweet cannot stop the stream. */
    private List<Object> classifyOrIsolate(List<String> texts, AdapterLease lease) {
        try {
            return new ArrayList<>(model.classify(texts, lease.adapter()));
        } catch (RuntimeException batchFailure) {
            if (texts.size() == 1) {
                return List.of(new Rejected(RejectReason.CLASSIFICATION_FAILED, batchFailure.getMessage()));
            }
            LOG.warnf("batch of %d failed (%s); classifying one by one", texts.size(), batchFailure.getMessage());
            List<Object> out = new ArrayList<>(texts.size());
            for (String t : texts) {
                out.addAll(classifyOrIsolate(List.of(t), lease));
            }
            return out;
        }
    }

    private ProducerRecord<String, byte[]> resultRecord(SentimentResult r) {
        return new ProducerRecord<>(config.stream().resultsTopic(), r.tweetId(), ContractJson.write(r));
    }

    private ProducerRecord<String, byte[]> deadLetter(Polled p, Rejected why) {
        ConsumerRecord<String, byte[]> r = p.record();
        RecordHeaders headers = new RecordHeaders();
        r.headers().forEach(headers::add);
        headers.add(new RecordHeader(Topics.DLQ_REASON_HEADER, why.header().getBytes(StandardCharsets.UTF_8)));
        headers.add(new RecordHeader(Topics.DLQ_SOURCE_HEADER,
                (r.topic() + "/" + r.partition() + "/" + r.offset()).getBytes(StandardCharsets.UTF_8)));
        LOG.debugf("dead letter %s/%d/%d: %s", r.topic(), r.partition(), r.offset(), why.header());
        return new ProducerRecord<>(dlqTopic, null, r.key(), r.value(), headers);
    }

    /** Commits the offset after the last record of each partition in the batch. */
    private void commit(KafkaConsumer<String, byte[]> consumer, List<Polled> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Polled p : batch) {
            offsets.merge(p.partition(), new OffsetAndMetadata(p.record().offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        try {
            consumer.commitSync(offsets);
        } catch (CommitFailedException e) {
            // only when a batch outlived max.poll.interval.ms: the new owner will redo it (at least once)
            LOG.warnf("commit failed after a rebalance; %d published results may be repeated by the new owner", batch.size());
        } catch (KafkaException e) {
            // the next successful commit covers these offsets too
            LOG.warnf("commit failed (%s); the next batch's commit covers it", e.getMessage());
        }
    }

    /** Results were not all acknowledged: nothing is committed; seek back so the batch is read and done again. */
    private void rewind(KafkaConsumer<String, byte[]> consumer, List<Polled> batch, Exception cause) {
        metrics.publishFailed();
        Map<TopicPartition, Long> first = new HashMap<>();
        for (Polled p : batch) {
            first.merge(p.partition(), p.record().offset(), Math::min);
        }
        for (Polled p : pending) {
            first.merge(p.partition(), p.record().offset(), Math::min);
        }
        pending.clear();
        first.forEach((tp, offset) -> {
            if (assigned.contains(tp)) {
                consumer.seek(tp, offset);
            }
        });
        LOG.warnf("publishing %d results failed (%s); redoing from %s", batch.size(), cause.toString(), first);
        try {
            Thread.sleep(config.stream().retryBackoff().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Partitions taken away in a rebalance: their unprocessed records belong to the next owner now. */
    private final class DropRevoked implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            assigned.removeAll(partitions);
            pending.removeIf(p -> partitions.contains(p.partition()));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assigned.addAll(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
        }
    }
}
