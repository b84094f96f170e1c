package io.lorastream.trainer;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.DatasetSealed;
import io.lorastream.contracts.Digests;
import io.lorastream.contracts.HyperParameters;
import io.lorastream.contracts.PromptRecord;
import io.lorastream.contracts.PromptTemplate;
import io.lorastream.contracts.SentimentLabel;
import io.lorastream.contracts.Split;
import io.lorastream.contracts.Topics;
import io.lorastream.contracts.TrainingRequest;
import io.lorastream.testing.SharedAssets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;

/** TweetEval rows from ../shared as the messages ingest would publish, for tests and the resume test. */
public final class TestData {
    private TestData() {}

    /** A dataset's records and its seal. */
    public record Dataset(String id, List<PromptRecord> records, DatasetSealed seal) {}

    /** A dataset of the first {@code train} / {@code validation} TweetEval rows under a fresh id. */
    public static Dataset tweetEval(String prefix, int train, int validation) {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        List<PromptRecord> records = new ArrayList<>();
        records.addAll(rows(id, Split.TRAIN, train));
        records.addAll(rows(id, Split.VALIDATION, validation));
        return new Dataset(id, records, seal(id, records));
    }

    public static DatasetSealed seal(String id, List<PromptRecord> records) {
        Map<Split, Map<String, Long>> counts = new TreeMap<>();
        records.stream().collect(Collectors.groupingBy(PromptRecord::split,
                Collectors.groupingBy(PromptRecord::label, TreeMap::new, Collectors.counting())))
                .forEach(counts::put);
        return DatasetSealed.of(id, counts, records.size(), Digests.datasetSha256(records), "tweet_eval/sentiment (test)",
                Instant.now());
    }

    private static List<PromptRecord> rows(String id, Split split, int n) {
        Path dir = SharedAssets.tweetEvalSentiment();
        try {
            List<String> texts = Files.readAllLines(dir.resolve(split.filePrefix() + "_text.txt"), StandardCharsets.UTF_8);
            List<String> labels = Files.readAllLines(dir.resolve(split.filePrefix() + "_labels.txt"), StandardCharsets.UTF_8);
            List<PromptRecord> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String label = SentimentLabel.parse(labels.get(i)).orElseThrow().text();
                out.add(PromptRecord.of(id, split, i, PromptTemplate.normalizeTweet(texts.get(i)), label));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The reference defaults with few steps, for fast runs. */
    public static HyperParameters steps(int maxSteps, int evalEverySteps) {
        return HyperParameters.defaults().with(Map.of("maxSteps", maxSteps, "evalEverySteps", evalEverySteps));
    }

    public static TrainingRequest request(String datasetId, HyperParameters hp) {
        return TrainingRequest.of("req-" + UUID.randomUUID(), datasetId, null, hp);
    }

    public static List<ProducerRecord<String, String>> recordMessages(Dataset d) {
        return d.records().stream()
                .map(r -> new ProducerRecord<>(Topics.PROMPT_RECORDS, d.id(), ContractJson.writeString(r))).toList();
    }

    public static ProducerRecord<String, String> sealMessage(Dataset d) {
        return new ProducerRecord<>(Topics.DATASETS, d.id(), ContractJson.writeString(d.seal()));
    }

    public static ProducerRecord<String, String> requestMessage(TrainingRequest r) {
        return new ProducerRecord<>(Topics.TRAINING_REQUESTS, r.datasetId(), ContractJson.writeString(r));
    }
}
