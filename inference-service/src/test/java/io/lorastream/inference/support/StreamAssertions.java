package io.lorastream.inference.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.SentimentResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The stream guarantees, checked on what actually reached lorastream.sentiments. */
public final class StreamAssertions {
    private StreamAssertions() {}

    /** Every sent id has exactly one result, keyed by that id, and there is no other result. */
    public static Map<String, SentimentResult> exactlyOnce(Map<String, String> sent,
            List<ConsumerRecord<String, byte[]>> records) {
        Map<String, SentimentResult> byId = new HashMap<>();
        List<String> duplicates = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            SentimentResult s = ContractJson.read(r.value(), SentimentResult.class);
            assertEquals(r.key(), s.tweetId(), "result keyed by its tweet id");
            if (byId.put(s.tweetId(), s) != null) {
                duplicates.add(s.tweetId());
            }
        }
        assertTrue(duplicates.isEmpty(), "duplicate results: " + duplicates);
        List<String> missing = sent.keySet().stream().filter(id -> !byId.containsKey(id)).sorted().toList();
        assertTrue(missing.isEmpty(), missing.size() + " tweets without a result: " + missing);
        List<String> unknown = byId.keySet().stream().filter(id -> !sent.containsKey(id)).toList();
        assertTrue(unknown.isEmpty(), "results for tweets never sent: " + unknown);
        return byId;
    }

    /**
     * Within each partition results come in processing order; the adapter they name may only move forward
     * through {@code order} (a swap never goes back, and no batch mixes versions out of order).
     */
    public static Map<String, Integer> versionsMoveForwardPerPartition(List<ConsumerRecord<String, byte[]>> records,
            List<String> order) {
        Map<Integer, Integer> rankByPartition = new TreeMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        order.forEach(o -> counts.put(o, 0));
        for (ConsumerRecord<String, byte[]> r : records) {
            String adapter = ContractJson.read(r.value(), SentimentResult.class).adapter();
            int rank = order.indexOf(adapter);
            if (rank < 0) {
                fail("result " + r.key() + " names " + adapter + ", expected one of " + order);
            }
            int previous = rankByPartition.getOrDefault(r.partition(), 0);
            assertTrue(rank >= previous, "partition " + r.partition() + " went back from " + order.get(previous)
                    + " to " + adapter + " at " + r.key());
            rankByPartition.put(r.partition(), rank);
            counts.merge(adapter, 1, Integer::sum);
        }
        return counts;
    }

    /**
     * The adapter a result names is the one that produced it: classifying the same text over REST pinned to
     * that adapter gives the same probabilities (log-probabilities within 1e-3), and the other candidates
     * give different ones (further than 1e-2) for at least 90% of the texts.
     */
    public static void namedAdapterProducedEachResult(Map<String, SentimentResult> byId, Map<String, String> texts,
            List<String> candidates) {
        List<String> ids = new ArrayList<>(byId.keySet());
        Map<String, List<Map<String, Number>>> rest = new HashMap<>();
        for (String c : candidates) {
            List<Map<String, Number>> all = new ArrayList<>();
            for (int from = 0; from < ids.size(); from += 200) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 200));
                all.addAll(Api.classify(chunk.stream().map(texts::get).toList(), c));
            }
            rest.put(c, all);
        }
        int distinguishable = 0;
        for (int i = 0; i < ids.size(); i++) {
            SentimentResult s = byId.get(ids.get(i));
            double own = distance(s, rest.get(s.adapter()).get(i));
            assertTrue(own < 1e-3, s.tweetId() + " names " + s.adapter() + " but its probabilities differ from that "
                    + "adapter's by " + own);
            double nearestOther = Double.MAX_VALUE;
            for (String c : candidates) {
                if (!c.equals(s.adapter())) {
                    nearestOther = Math.min(nearestOther, distance(s, rest.get(c).get(i)));
                }
            }
            if (nearestOther > 1e-2) {
                distinguishable++;
            }
        }
        assertTrue(distinguishable >= ids.size() * 0.9, "the candidates must classify differently for the check to "
                + "mean something: only " + distinguishable + " of " + ids.size() + " distinguishable");
    }

    /** Largest difference of log-probabilities: near-certain predictions still differ between adapters. */
    private static double distance(SentimentResult s, Map<String, Number> probabilities) {
        double d = 0;
        for (var e : probabilities.entrySet()) {
            double a = Math.log(Math.max(1e-30, e.getValue().doubleValue()));
            double b = Math.log(Math.max(1e-30, s.probabilities().get(e.getKey())));
            d = Math.max(d, Math.abs(a - b));
        }
        return d;
    }
}
