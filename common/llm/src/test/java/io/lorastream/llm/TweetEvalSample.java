package io.lorastream.llm;

import io.lorastream.contracts.PromptRecord;
import io.lorastream.contracts.PromptTemplate;
import io.lorastream.contracts.SentimentLabel;
import io.lorastream.contracts.Split;
import io.lorastream.testing.SharedAssets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The first {@code n} TweetEval sentiment rows of a split as prompt records (tweets stripped, as ingest does). */
final class TweetEvalSample {
    private TweetEvalSample() {}

    static List<PromptRecord> first(Split split, int n) {
        Path dir = SharedAssets.tweetEvalSentiment();
        try {
            List<String> texts = Files.readAllLines(dir.resolve(split.filePrefix() + "_text.txt"), StandardCharsets.UTF_8);
            List<String> labels = Files.readAllLines(dir.resolve(split.filePrefix() + "_labels.txt"), StandardCharsets.UTF_8);
            List<PromptRecord> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String label = SentimentLabel.parse(labels.get(i)).orElseThrow().text();
                out.add(PromptRecord.of("tweeteval-sentiment", split, i, PromptTemplate.normalizeTweet(texts.get(i)), label));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
