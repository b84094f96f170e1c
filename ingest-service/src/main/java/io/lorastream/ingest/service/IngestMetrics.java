package io.lorastream.ingest.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;

/** Micrometer counters of the ingest (Prometheus: {@code lorastream_ingest_*_total}). */
@ApplicationScoped
public class IngestMetrics {
    @Inject
    MeterRegistry registry;

    public void rowsRead(long rows) {
        Counter.builder("lorastream.ingest.rows.read").description("Input rows read from sources and uploads")
                .register(registry).increment(rows);
    }

    public void rejected(Map<RejectReason, Long> byReason) {
        byReason.forEach((reason, n) -> Counter.builder("lorastream.ingest.rows.rejected")
                .description("Input rows rejected, by reason").tag("reason", reason.name())
                .register(registry).increment(n));
    }

    public void published(long records) {
        Counter.builder("lorastream.ingest.records.published")
                .description("Prompt records published and acknowledged").register(registry).increment(records);
    }

    /** outcome: sealed, failed or reused (an already sealed dataset asked for again). */
    public void dataset(String outcome) {
        Counter.builder("lorastream.ingest.datasets").description("Ingests by outcome").tag("outcome", outcome)
                .register(registry).increment();
    }

    public void trainingRequest() {
        Counter.builder("lorastream.ingest.training.requests").description("Training requests published")
                .register(registry).increment();
    }
}
