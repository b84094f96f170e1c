package io.lorastream.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lorastream.contracts.Digests;
import io.lorastream.contracts.PromptRecord;
import io.lorastream.contracts.PromptTemplate;
import io.lorastream.contracts.Split;
import io.lorastream.testing.SharedAssets;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestPipelineTest {
    private final IngestPipeline pipeline = new IngestPipeline(ValidationRules.defaults(), 100);

    /** A sink that keeps what it is given: the pipeline's own contract, no Kafka involved. */
    private static final class ListSink implements PromptRecordSink {
        final List<PromptRecord> records = new ArrayList<>();
        int flushes;

        @Override
        public void send(PromptRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
            flushes++;
        }
    }

    @Test
    void samplesTheReferenceSizesFromTheSharedDataAndFormatsWithTheSharedTemplate() throws IOException {
        ExampleSet set = pipeline.readTweetEval(new DirectoryFiles(SharedAssets.tweetEvalSentiment()),
                List.of(Split.TRAIN, Split.VALIDATION), new IngestProgress());
        IngestParameters params = new IngestParameters(List.of(Split.TRAIN, Split.VALIDATION),
                Map.of(Split.TRAIN, 1000, Split.VALIDATION, 200), false, true, 3407, 4096);
        SampledDataset ds = pipeline.sample("ds-test", set, params);

        assertEquals(1200, ds.records().size());
        assertEquals(1000, ds.counts().get(Split.TRAIN).values().stream().mapToLong(Long::longValue).sum());
        // stratified on train's 45,586 valid examples: 15.55% / 45.33% / 39.12%
        assertEquals(Map.of("negative", 156L, "neutral", 453L, "positive", 391L), ds.counts().get(Split.TRAIN));
        PromptRecord first = ds.records().get(0);
        assertEquals(Split.TRAIN, first.split());
        assertEquals(0, first.index());
        assertEquals(PromptTemplate.ID, first.templateId());
        assertEquals(PromptTemplate.INSTRUCTION, first.instruction());
        assertEquals(first.label(), first.output());
        assertEquals(Split.VALIDATION, ds.records().get(1000).split());
        assertEquals(0, ds.records().get(1000).index());
        assertEquals(Digests.datasetSha256(ds.records()), ds.sha256());
        assertEquals(ds.sha256(), pipeline.sample("ds-test", set, params).sha256(), "deterministic");

        ListSink sink = new ListSink();
        IngestProgress progress = new IngestProgress();
        pipeline.publish(ds, sink, progress);
        assertEquals(ds.records(), sink.records);
        assertEquals(1, sink.flushes);
        assertEquals(IngestProgress.Phase.SEALING, progress.phase());
        assertEquals(1200, progress.snapshot().recordsPublished());
        var sealed = ds.sealed(new SourceRef(SourceRef.Kind.DIR, "/x"), Instant.EPOCH);
        assertEquals(1200, sealed.recordCount());
        assertEquals("dir:/x", sealed.source());
    }

    @Test
    void aShortSplitIsTakenWholeWithAWarning() throws IOException {
        ExampleSet set = pipeline.readUpload(UploadFormat.CSV,
                new java.io.ByteArrayInputStream("a,positive\nb,negative\n".getBytes()), -1, Split.TRAIN,
                java.util.EnumSet.allOf(Split.class), new IngestProgress());
        SampledDataset ds = pipeline.sample("ds-x", set, IngestParameters.defaults(4096));
        assertEquals(2, ds.records().size());
        assertTrue(ds.warnings().get(0).contains("1000 examples requested, only 2"), ds.warnings().toString());
        assertEquals(List.of(Split.TRAIN), List.copyOf(ds.counts().keySet()), "validation had no rows at all");
    }

    @Test
    void aFailingSinkFailsThePublish() {
        SampledDataset ds = new SampledDataset("ds-y", List.of(PromptRecord.of("ds-y", Split.TRAIN, 0, "t", "positive")),
                Map.of(), "00", List.of());
        PromptRecordSink broken = new PromptRecordSink() {
            @Override
            public void send(PromptRecord record) {}

            @Override
            public void flush() {
                throw new IllegalStateException("broker gone");
            }
        };
        assertThrows(IllegalStateException.class, () -> pipeline.publish(ds, broken, new IngestProgress()));
    }
}
