package io.lorastream.inference.service;

import io.lorastream.inference.domain.AdapterRef;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The service's Micrometer meters (Prometheus names in README.md): per-tweet latency histogram,
 * classified and dead-lettered counts (throughput = their rate), batch sizes, swap duration and swap
 * latency, and the active adapter version.
 */
@Startup // every series exists from boot, before the first tweet or swap
@ApplicationScoped
public class InferenceMetrics {
    private final MeterRegistry registry;
    private final Timer streamLatency;
    private final Timer restLatency;
    private final Counter streamClassified;
    private final Counter restClassified;
    private final DistributionSummary batchSize;
    private final Timer swapDuration;
    private final Timer swapLatency;
    private final Counter publishFailures;
    private final AtomicInteger activeVersion = new AtomicInteger();
    private final AtomicInteger loadedAdapters = new AtomicInteger();
    private final MultiGauge activeAdapter;
    private final ConcurrentHashMap<String, Counter> deadLettered = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> adapterOutcomes = new ConcurrentHashMap<>();

    public InferenceMetrics(MeterRegistry registry) {
        this.registry = registry;
        streamLatency = latency("stream");
        restLatency = latency("rest");
        streamClassified = classified("stream");
        restClassified = classified("rest");
        batchSize = DistributionSummary.builder("lorastream.inference.batch.size")
                .description("Tweets per micro-batch of the Kafka loop")
                .publishPercentileHistogram()
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64)
                .register(registry);
        swapDuration = Timer.builder("lorastream.inference.swap.duration")
                .description("Fetch, verification and load of an adapter until it serves (checkpoint received or "
                        + "activation requested -> active)")
                .publishPercentileHistogram()
                .register(registry);
        swapLatency = Timer.builder("lorastream.inference.swap.latency")
                .description("Checkpoint event received -> first result of the new adapter acknowledged by Kafka")
                .publishPercentileHistogram()
                .register(registry);
        publishFailures = Counter.builder("lorastream.inference.publish.failures")
                .description("Micro-batches whose results Kafka did not acknowledge (redone, not committed)")
                .register(registry);
        Gauge.builder("lorastream.inference.active.version", activeVersion, AtomicInteger::get)
                .description("Version of the active adapter (0 = base model)")
                .register(registry);
        Gauge.builder("lorastream.inference.adapters.loaded", loadedAdapters, AtomicInteger::get)
                .description("Adapters held in memory (the active one included)")
                .register(registry);
        activeAdapter = MultiGauge.builder("lorastream.inference.active.adapter")
                .description("1 for the adapter (id@version) that serves the stream")
                .register(registry);
        activeChanged(AdapterRef.BASE, 0);
    }

    private Timer latency(String source) {
        return Timer.builder("lorastream.inference.classify.latency")
                .description("Per tweet: receipt by the service -> result (stream: acknowledged by Kafka)")
                .tag("source", source)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    private Counter classified(String source) {
        return Counter.builder("lorastream.inference.tweets.classified")
                .description("Tweets classified (rate = throughput)")
                .tag("source", source)
                .register(registry);
    }

    public void streamBatch(int classified, long[] latenciesNanos) {
        batchSize.record(classified + 0.0);
        streamClassified.increment(classified);
        for (long l : latenciesNanos) {
            streamLatency.record(Duration.ofNanos(l));
        }
    }

    public void restRequest(int classified, long latencyNanos) {
        restClassified.increment(classified);
        restLatency.record(Duration.ofNanos(latencyNanos));
    }

    public void deadLettered(String reason) {
        deadLettered.computeIfAbsent(reason, r -> Counter.builder("lorastream.inference.tweets.dead.lettered")
                .description("Tweets sent to the DLQ, by reason")
                .tag("reason", r)
                .register(registry)).increment();
    }

    public void publishFailed() {
        publishFailures.increment();
    }

    public void swapped(Duration duration) {
        swapDuration.record(duration);
    }

    public void firstResultAfterSwap(Duration latency) {
        swapLatency.record(latency);
    }

    /** outcome: activated, standby, rejected. */
    public void adapterOutcome(String outcome) {
        adapterOutcomes.computeIfAbsent(outcome, o -> Counter.builder("lorastream.inference.adapters.verified")
                .description("Adapters fetched and verified, by outcome")
                .tag("outcome", o)
                .register(registry)).increment();
    }

    public void activeChanged(AdapterRef active, int loaded) {
        activeVersion.set(active.version());
        loadedAdapters.set(loaded);
        activeAdapter.register(List.of(MultiGauge.Row.of(Tags.of("adapter", active.toString()), 1)), true);
    }
}
