package io.lorastream.inference.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.SentimentLabel;
import io.lorastream.contracts.SentimentResult;
import io.lorastream.contracts.Topics;
import io.lorastream.contracts.TweetMessage;
import io.lorastream.inference.support.Api;
import io.lorastream.inference.support.TestKafka;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tweets through the real broker: one result per tweet, keyed by id; bad records to the DLQ, the stream goes on. */
@QuarkusTest
class TweetStreamTest {
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void ready() {
        Api.awaitReady();
    }

    @Test
    void everyTweetJsonOrPlainTextGetsExactlyOneResultKeyedByItsId() throws Exception {
        String prefix = "stream-" + run + "-";
        Map<String, String> texts = new HashMap<>();
        try (TestKafka.Reader results = TestKafka.Reader.keysStartingWith(Topics.SENTIMENTS, prefix)) {
            for (int i = 0; i < 40; i++) {
                String id = prefix + i;
                String text = (i % 3 == 0 ? "I love this, great day " : "this is awful, so sad ") + i;
                texts.put(id, text);
                if (i % 2 == 0) {
                    TestKafka.sendJson(Topics.TWEETS, id, new TweetMessage(1, id, text, Instant.now(), null));
                } else {
                    TestKafka.send(Topics.TWEETS, id, text + "  \n"); // plain text, id from the key
                }
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> results.records().size() >= texts.size());
            Thread.sleep(500); // a duplicate would arrive right behind
            List<ConsumerRecord<String, byte[]>> records = results.records();
            assertEquals(texts.size(), records.size(), "one result per tweet");
            Map<String, SentimentResult> byId = records.stream()
                    .map(r -> {
                        SentimentResult s = ContractJson.read(r.value(), SentimentResult.class);
                        assertEquals(r.key(), s.tweetId(), "results are keyed by tweet id");
                        return s;
                    })
                    .collect(Collectors.toMap(SentimentResult::tweetId, Function.identity()));
            assertEquals(texts.keySet(), byId.keySet());
            String active = Api.active();
            for (SentimentResult s : byId.values()) {
                assertEquals(active, s.adapter());
                assertEquals(SentimentLabel.texts().stream().sorted().toList(),
                        s.probabilities().keySet().stream().sorted().toList());
                assertEquals(1.0, s.probabilities().values().stream().mapToDouble(Double::doubleValue).sum(), 1e-6);
                double best = s.probabilities().values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
                assertEquals(best, s.probabilities().get(s.label()), 0.0, "label is the most probable one");
                assertTrue(s.latencyMs() >= 0);
            }
            // the same texts over REST, same adapter: same probabilities as the stream gave
            List<String> ids = List.copyOf(texts.keySet());
            List<Map<String, Number>> rest = Api.classify(ids.stream().map(texts::get).toList(), active);
            for (int i = 0; i < ids.size(); i++) {
                for (var e : rest.get(i).entrySet()) {
                    assertEquals(e.getValue().doubleValue(), byId.get(ids.get(i)).probabilities().get(e.getKey()), 1e-4);
                }
            }
        }
    }

    @Test
    void keylessPlainTextGetsAnIdFromItsPosition() throws Exception {
        String marker = "keyless-" + run;
        try (TestKafka.Reader results = new TestKafka.Reader(Topics.SENTIMENTS,
                r -> r.key() != null && r.key().startsWith(Topics.TWEETS + "-"))) {
            TestKafka.send(Topics.TWEETS, null, "no key here " + marker);
            await().atMost(Duration.ofSeconds(60)).until(() -> !results.records().isEmpty());
            assertTrue(results.records().get(results.records().size() - 1).key().matches("lorastream\\.tweets-\\d+-\\d+"));
        }
    }

    @Test
    void badRecordsGoToTheDlqWithReasonAndSourceAndTheStreamGoesOn() throws Exception {
        String prefix = "bad-" + run + "-";
        Map<String, byte[]> bad = new java.util.LinkedHashMap<>();
        bad.put(prefix + "invalid-json", "{\"schemaVersion\":1,\"id\":".getBytes(StandardCharsets.UTF_8));
        bad.put(prefix + "missing-text", "{\"schemaVersion\":1,\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        bad.put(prefix + "empty-text", "   ".getBytes(StandardCharsets.UTF_8));
        bad.put(prefix + "empty-json-text", ContractJson.write(new TweetMessage(1, "e", " \n", Instant.now(), null)));
        bad.put(prefix + "oversize", "y".repeat(4097).getBytes(StandardCharsets.UTF_8));
        bad.put(prefix + "invalid-utf8", new byte[] {'h', 'i', (byte) 0xFF, (byte) 0xFE});
        bad.put(prefix + "bad-pin", ContractJson.write(new TweetMessage(1, "p", "hello", Instant.now(), "not a pin")));
        bad.put(prefix + "unloaded-pin", ContractJson.write(new TweetMessage(1, "q", "hello", Instant.now(), "nope@7")));
        Map<String, String> expectedReason = Map.of(
                prefix + "invalid-json", "invalid-json", prefix + "missing-text", "invalid-json",
                prefix + "empty-text", "empty-text", prefix + "empty-json-text", "empty-text",
                prefix + "oversize", "oversize", prefix + "invalid-utf8", "invalid-utf8",
                prefix + "bad-pin", "invalid-adapter-pin", prefix + "unloaded-pin", "adapter-unavailable");
        try (TestKafka.Reader dlq = TestKafka.Reader.keysStartingWith(Topics.dlq(Topics.TWEETS), prefix);
                TestKafka.Reader results = TestKafka.Reader.keysStartingWith(Topics.SENTIMENTS, prefix)) {
            for (var e : bad.entrySet()) {
                TestKafka.send(Topics.TWEETS, e.getKey(), e.getValue());
            }
            String good = prefix + "good-after";
            TestKafka.send(Topics.TWEETS, good, "still classified after all that");
            TestKafka.send(Topics.TWEETS, prefix + "longest-ok", "z".repeat(4096)); // at the limit: accepted

            await().atMost(Duration.ofSeconds(60)).until(() -> dlq.records().size() >= bad.size()
                    && results.records().size() >= 2);
            Thread.sleep(500);
            assertEquals(bad.size(), dlq.records().size());
            for (ConsumerRecord<String, byte[]> r : dlq.records()) {
                String reason = header(r, Topics.DLQ_REASON_HEADER);
                assertNotNull(reason, "reason header on " + r.key());
                assertTrue(reason.startsWith(expectedReason.get(r.key())), r.key() + ": " + reason);
                assertTrue(header(r, Topics.DLQ_SOURCE_HEADER).matches(Topics.TWEETS + "/\\d+/\\d+"));
                assertTrue(java.util.Arrays.equals(bad.get(r.key()), r.value()), "the original bytes are kept");
            }
            assertEquals(java.util.Set.of(good, prefix + "longest-ok"),
                    results.records().stream().map(ConsumerRecord::key).collect(Collectors.toSet()));
        }
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
