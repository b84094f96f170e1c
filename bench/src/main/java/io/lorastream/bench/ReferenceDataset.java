package io.lorastream.bench;

import io.lorastream.contracts.PromptRecord;
import io.lorastream.contracts.Split;
import io.lorastream.ingest.service.DatasetIds;
import io.lorastream.ingest.service.DirectoryFiles;
import io.lorastream.ingest.service.ExampleSet;
import io.lorastream.ingest.service.IngestParameters;
import io.lorastream.ingest.service.IngestPipeline;
import io.lorastream.ingest.service.IngestProgress;
import io.lorastream.ingest.service.SampledDataset;
import io.lorastream.ingest.service.SourceRef;
import io.lorastream.ingest.service.ValidationRules;
import io.lorastream.testing.SharedAssets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The reference run's prompts exactly as the ingest service publishes them: TweetEval sentiment from
 * {@code ../shared} read and validated by ingest's own pipeline, 1,000 train and 200 validation
 * examples sampled with seed 3407 (ingest's defaults), put in the contracts' template. Benchmarks use
 * it so that they measure the engine on the product's data, not on a second TweetEval reader.
 */
record ReferenceDataset(String datasetId, String sha256, List<PromptRecord> train, List<PromptRecord> validation) {

    static ReferenceDataset load() {
        Path dir = SharedAssets.tweetEvalSentiment();
        IngestParameters params = IngestParameters.defaults(ValidationRules.DEFAULT_MAX_CHARS);
        String id = DatasetIds.of(new SourceRef(SourceRef.Kind.DIR, dir.toString()), params);
        IngestPipeline pipeline = new IngestPipeline(ValidationRules.defaults(), 100);
        try {
            ExampleSet set = pipeline.readTweetEval(new DirectoryFiles(dir), params.splits(), new IngestProgress());
            SampledDataset ds = pipeline.sample(id, set, params);
            return new ReferenceDataset(id, ds.sha256(), of(ds, Split.TRAIN), of(ds, Split.VALIDATION));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read TweetEval from " + dir, e);
        }
    }

    /** One line for a report's context. */
    String describe() {
        return train.size() + " train / " + validation.size() + " validation TweetEval sentiment prompts "
                + "(ingest's reference sample, seed " + IngestParameters.DEFAULT_SEED + ", sha256 "
                + sha256.substring(0, 12) + "…)";
    }

    private static List<PromptRecord> of(SampledDataset ds, Split split) {
        return ds.records().stream().filter(r -> r.split() == split).toList();
    }
}
