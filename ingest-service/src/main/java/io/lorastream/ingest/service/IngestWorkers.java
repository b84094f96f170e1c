package io.lorastream.ingest.service;

import io.lorastream.ingest.config.IngestConfig;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads ingests run on, off the HTTP workers: a fixed pool ({@code lorastream.ingest.workers},
 * default 1, since an ingest keeps a core busy) with a queue in front.
 */
@ApplicationScoped
public class IngestWorkers {
    @Inject
    IngestConfig config;

    private ExecutorService pool;

    @PostConstruct
    void start() {
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(Math.max(1, config.workers()), r -> {
            Thread t = new Thread(r, "ingest-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public void submit(Runnable job) {
        pool.submit(job);
    }

    @PreDestroy
    void stop() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
    }
}
