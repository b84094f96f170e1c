package io.lorastream.ingest.service;

import io.lorastream.contracts.Digests;
import io.lorastream.contracts.PromptRecord;
import io.lorastream.contracts.Split;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ingest steps as plain code, shared by the service and the benchmark: read and validate a
 * source, sample it, format prompt records with the shared template, publish them.
 */
public final class IngestPipeline {
    private final ValidationRules rules;
    private final int maxKeptRejects;

    public IngestPipeline(ValidationRules rules, int maxKeptRejects) {
        this.rules = rules;
        this.maxKeptRejects = maxKeptRejects;
    }

    public ValidationRules rules() {
        return rules;
    }

    public ExampleSet readTweetEval(DatasetFiles files, List<Split> splits, IngestProgress progress) throws IOException {
        return new TweetEvalReader(rules, maxKeptRejects).read(files, splits, progress);
    }

    public ExampleSet readUpload(UploadFormat format, InputStream body, long totalBytes, Split defaultSplit,
            Set<Split> selected, IngestProgress progress) throws IOException {
        return new UploadReader(rules, maxKeptRejects).read(format, body, totalBytes, defaultSplit, selected, progress);
    }

    /** Samples every selected split and formats the records; indexes run from 0 within each split. */
    public SampledDataset sample(String datasetId, ExampleSet set, IngestParameters parameters) {
        List<PromptRecord> records = new ArrayList<>();
        Map<Split, Map<String, Long>> counts = new EnumMap<>(Split.class);
        List<String> warnings = new ArrayList<>(set.warnings());
        for (Split split : parameters.splits()) {
            List<Example> available = set.examples(split);
            Integer size = parameters.size(split);
            List<Example> chosen = Sampler.sample(available, split, size, parameters.stratified(), parameters.seed());
            if (size != null && chosen.size() < size) {
                warnings.add(split.wireName() + ": " + size + " examples requested, only " + available.size()
                        + " valid ones available; took them all");
            }
            if (chosen.isEmpty() && set.rowsRead().containsKey(split)) {
                warnings.add(split.wireName() + ": no valid examples");
            }
            Map<String, Long> byLabel = ExampleSet.Counts.zeroLabels();
            for (int i = 0; i < chosen.size(); i++) {
                Example e = chosen.get(i);
                records.add(PromptRecord.of(datasetId, split, i, e.text(), e.label().text()));
                byLabel.merge(e.label().text(), 1L, Long::sum);
            }
            if (!chosen.isEmpty() || set.rowsRead().containsKey(split)) {
                counts.put(split, byLabel);
            }
        }
        return new SampledDataset(datasetId, List.copyOf(records), counts, Digests.datasetSha256(records),
                List.copyOf(warnings));
    }

    /** Sends every record, then waits until all are acknowledged. */
    public void publish(SampledDataset dataset, PromptRecordSink sink, IngestProgress progress) {
        progress.startPublishing(dataset.records().size());
        long sent = 0;
        for (PromptRecord r : dataset.records()) {
            sink.send(r);
            progress.published(++sent);
        }
        sink.flush();
        progress.sealing();
    }
}
