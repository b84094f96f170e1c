package io.lorastream.inference.support;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.Topics;
import io.lorastream.contracts.TweetMessage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Continuous tweet traffic for the swap tests: one tweet every few milliseconds, never more than
 * {@code maxInFlight} without a result (so the test measures a running stream, not a backlog).
 */
public final class TweetLoad implements AutoCloseable {
    private static final List<String> SAMPLES = List.of(
            "I love this so much, best day ever", "this is the worst service, I am so angry",
            "the meeting is at 3pm tomorrow", "can't believe how good the game was tonight",
            "so tired of waiting in line again", "new phone arrived today", "@user thanks, that helped a lot!",
            "why does it always rain on weekends", "just finished the book, not sure what to think");

    private final String prefix;
    private final IntSupplier results;
    private final int maxInFlight;
    private final long intervalMs;
    private final Map<String, String> sent = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    public TweetLoad(String prefix, IntSupplier results, int maxInFlight, long intervalMs) {
        this.prefix = prefix;
        this.results = results;
        this.maxInFlight = maxInFlight;
        this.intervalMs = intervalMs;
        this.thread = new Thread(this::run, "tweet-load");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        int n = 0;
        try {
            while (running) {
                if (sent.size() - results.getAsInt() < maxInFlight) {
                    String id = prefix + n;
                    String text = SAMPLES.get(n % SAMPLES.size()) + " #" + n;
                    sent.put(id, text);
                    byte[] value = n % 4 == 3 ? text.getBytes(java.nio.charset.StandardCharsets.UTF_8)
                            : ContractJson.write(new TweetMessage(1, id, text, Instant.now(), null));
                    TestKafka.producer().send(new ProducerRecord<>(Topics.TWEETS, id, value));
                    n++;
                }
                Thread.sleep(intervalMs);
            }
            TestKafka.producer().flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    /** Stops sending; every tweet sent so far is flushed to the broker. */
    public Map<String, String> stop() throws InterruptedException {
        running = false;
        thread.join(10_000);
        if (failure != null) {
            throw failure;
        }
        return Map.copyOf(sent);
    }

    public int sent() {
        return sent.size();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
