package io.lorastream.ingest.service;

import io.lorastream.contracts.Split;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Reads the TweetEval layout: {@code <prefix>_text.txt} and {@code <prefix>_labels.txt} per split, line
 * for line, plus {@code mapping.txt} (label ids to names) when present. Every row ends up either as an
 * {@link Example} or as a counted {@link Reject}; a missing file or a bad mapping fails the read.
 */
public final class TweetEvalReader {
    public static final String MAPPING_FILE = "mapping.txt";
    private static final int MAX_MAPPING_BYTES = 64 * 1024;

    private final ValidationRules rules;
    private final int maxKeptRejects;

    public TweetEvalReader(ValidationRules rules, int maxKeptRejects) {
        this.rules = rules;
        this.maxKeptRejects = maxKeptRejects;
    }

    public static String textFile(Split split) {
        return split.filePrefix() + "_text.txt";
    }

    public static String labelsFile(Split split) {
        return split.filePrefix() + "_labels.txt";
    }

    /** The files a read of these splits needs that are not there (for local directories, checked up front). */
    public static List<String> missingFiles(DatasetFiles files, List<Split> splits) {
        return splits.stream().flatMap(s -> java.util.stream.Stream.of(textFile(s), labelsFile(s)))
                .filter(name -> files.size(name) < 0)
                .toList();
    }

    public ExampleSet read(DatasetFiles files, List<Split> splits, IngestProgress progress) throws IOException {
        LabelMapping mapping = readMapping(files);
        long total = 0;
        for (Split s : splits) {
            long t = files.size(textFile(s));
            long l = files.size(labelsFile(s));
            total = total < 0 || t < 0 || l < 0 ? -1 : total + t + l;
        }
        progress.startReading(total);
        RejectLog rejects = new RejectLog(maxKeptRejects);
        ExampleSet set = new ExampleSet(rejects);
        ExampleValidator validator = new ExampleValidator(rules, mapping, rejects);
        long bytesBefore = 0;
        for (Split split : splits) {
            set.touch(split);
            try (LineReader text = new LineReader(require(files, textFile(split)), rules.maxLineBytes());
                    LineReader labels = new LineReader(require(files, labelsFile(split)), rules.maxLineBytes())) {
                readSplit(split, text, labels, validator, set, progress, bytesBefore);
                bytesBefore += text.bytesRead() + labels.bytesRead();
            }
        }
        return set;
    }

    private void readSplit(Split split, LineReader text, LineReader labels, ExampleValidator validator,
            ExampleSet set, IngestProgress progress, long bytesBefore) throws IOException {
        while (true) {
            LineReader.Line t = text.next();
            LineReader.Line l = labels.next();
            if (t == null && l == null) {
                break;
            }
            set.rowRead(split);
            if (t == null) {
                validator.reject(split, l.number(), RejectReason.LINE_COUNT_MISMATCH,
                        "label line without text: " + textFile(split) + " ends at line " + text.lineNumber());
            } else if (l == null) {
                validator.reject(split, t.number(), RejectReason.LINE_COUNT_MISMATCH,
                        "text line without label: " + labelsFile(split) + " ends at line " + labels.lineNumber());
            } else if (!t.ok()) {
                validator.reject(split, t.number(), t.problem(), "text: " + t.detail());
            } else if (!l.ok()) {
                validator.reject(split, l.number(), l.problem() == RejectReason.TOO_LONG
                        ? RejectReason.UNKNOWN_LABEL : l.problem(), "label: " + l.detail());
            } else {
                validator.check(split, t.number(), t.text(), l.text()).ifPresent(set::add);
            }
            progress.rowRead(bytesBefore + text.bytesRead() + labels.bytesRead());
        }
        if (text.lineNumber() != labels.lineNumber()) {
            set.warn(split.wireName() + ": " + textFile(split) + " has " + text.lineNumber() + " lines but "
                    + labelsFile(split) + " has " + labels.lineNumber() + "; the unpaired lines are rejected, and "
                    + "the pairs before them may be shifted");
        }
    }

    private LabelMapping readMapping(DatasetFiles files) throws IOException {
        Optional<InputStream> in = files.open(MAPPING_FILE);
        if (in.isEmpty()) {
            return LabelMapping.standard();
        }
        byte[] bytes;
        try (InputStream s = in.get()) {
            bytes = s.readNBytes(MAX_MAPPING_BYTES + 1);
        }
        if (bytes.length > MAX_MAPPING_BYTES) {
            throw new IllegalArgumentException(MAPPING_FILE + " is larger than " + MAX_MAPPING_BYTES + " bytes");
        }
        try {
            return LabelMapping.parse(StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString());
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException(MAPPING_FILE + " is not valid UTF-8");
        }
    }

    private static InputStream require(DatasetFiles files, String name) throws IOException {
        return files.open(name).orElseThrow(() ->
                new IllegalArgumentException("missing file " + name + " in " + files.location()));
    }
}
