package io.lorastream.inference.service;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.SentimentResult;
import io.lorastream.contracts.Topics;
import io.lorastream.inference.support.Api;
import io.lorastream.inference.support.StreamAssertions;
import io.lorastream.inference.support.TestAdapters;
import io.lorastream.inference.support.TestKafka;
import io.lorastream.inference.support.TweetLoad;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Swaps under continuous load through the real broker: every tweet yields exactly one result, and each
 * result names the adapter that really produced it, before, between and after two swaps.
 */
@QuarkusTest
class HotSwapUnderLoadTest {
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void acrossTwoSwapsEveryTweetGetsExactlyOneResultNamingTheRightVersion() throws Exception {
        Api.awaitReady();
        given().contentType("application/json").body("{\"policy\":\"always\"}").put("/adapters/policy").then().statusCode(200);
        String adapterId = "swap-" + run;
        Path v1 = TestAdapters.create(adapterId + "-v1", 11);
        Path v2 = TestAdapters.create(adapterId + "-v2", 22);
        String before = Api.active();
        String prefix = "load-" + run + "-";

        try (TestKafka.Reader results = TestKafka.Reader.keysStartingWith(Topics.SENTIMENTS, prefix);
                TweetLoad load = new TweetLoad(prefix, results::size, 48, 4)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> results.size() >= 60);
            TestKafka.checkpoint(TestAdapters.event(adapterId, 1, v1, 0.40));
            awaitResultsFrom(results, adapterId + "@1", 60);
            TestKafka.checkpoint(TestAdapters.event(adapterId, 2, v2, 0.45));
            awaitResultsFrom(results, adapterId + "@2", 60);
            Map<String, String> sent = load.stop();
            await().atMost(Duration.ofSeconds(60)).until(() -> results.size() >= sent.size());
            Thread.sleep(1_000); // duplicates would show up right behind

            var records = results.records();
            Map<String, SentimentResult> byId = StreamAssertions.exactlyOnce(sent, records);
            List<String> order = List.of(before, adapterId + "@1", adapterId + "@2");
            Map<String, Integer> counts = StreamAssertions.versionsMoveForwardPerPartition(records, order);
            order.forEach(v -> assertTrue(counts.get(v) >= 30, "results from " + v + ": " + counts));
            StreamAssertions.namedAdapterProducedEachResult(byId, sent, order);
        }

        assertEquals(adapterId + "@2", Api.active());
        assertEquals("LOADED", Api.status(adapterId + "@1"), "the previous adapter stays in memory for rollback");
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("lorastream_inference_swap_latency_seconds_count"))
                .body(containsString("lorastream_inference_active_version 2.0"))
                .body(containsString("lorastream_inference_active_adapter{adapter=\"" + adapterId + "@2\"} 1.0"));
    }

    private static void awaitResultsFrom(TestKafka.Reader results, String adapter, int count) {
        await().atMost(Duration.ofSeconds(90)).until(() -> results.records().stream()
                .filter(r -> adapter.equals(ContractJson.read(r.value(), SentimentResult.class).adapter()))
                .count() >= count);
    }
}
