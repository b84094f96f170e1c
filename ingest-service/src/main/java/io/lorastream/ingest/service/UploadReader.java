package io.lorastream.ingest.service;

import io.lorastream.contracts.Split;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;

/**
 * Reads an uploaded JSONL or CSV body as it streams in. Each row lands in the split it names (or the
 * default split); rows for splits the request did not select are rejected, never dropped quietly.
 */
public final class UploadReader {
    private final ValidationRules rules;
    private final int maxKeptRejects;

    public UploadReader(ValidationRules rules, int maxKeptRejects) {
        this.rules = rules;
        this.maxKeptRejects = maxKeptRejects;
    }

    private interface RowSource {
        RawRow next() throws IOException;
    }

    /**
     * @param totalBytes the body's length when known (Content-Length), else -1; for progress only
     */
    public ExampleSet read(UploadFormat format, InputStream body, long totalBytes, Split defaultSplit,
            Set<Split> selected, IngestProgress progress) throws IOException {
        progress.startReading(totalBytes);
        RejectLog rejects = new RejectLog(maxKeptRejects);
        ExampleSet set = new ExampleSet(rejects);
        ExampleValidator validator = new ExampleValidator(rules, LabelMapping.standard(), rejects);
        LineReader lines = new LineReader(body, rules.maxLineBytes());
        RowSource rows = format == UploadFormat.JSONL ? new JsonlRows(lines)::next
                : new CsvRows(lines, rules.maxLineBytes())::next;
        for (RawRow row = rows.next(); row != null; row = rows.next()) {
            Split split = defaultSplit;
            String splitProblem = null;
            if (row.ok() && row.split() != null && !row.split().isBlank()) {
                try {
                    split = Split.parse(row.split());
                } catch (IllegalArgumentException e) {
                    splitProblem = e.getMessage();
                }
            }
            set.rowRead(split);
            if (!row.ok()) {
                validator.reject(split, row.line(), row.problem(), row.detail());
            } else if (splitProblem != null) {
                validator.reject(split, row.line(), RejectReason.MALFORMED_ROW, splitProblem);
            } else if (!selected.contains(split)) {
                validator.reject(split, row.line(), RejectReason.SPLIT_NOT_SELECTED,
                        "split '" + split.wireName() + "' is not among the selected splits " + selected);
            } else {
                validator.check(split, row.line(), row.text(), row.label()).ifPresent(set::add);
            }
            progress.rowRead(lines.bytesRead());
        }
        return set;
    }
}
