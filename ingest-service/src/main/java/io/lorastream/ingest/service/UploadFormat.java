package io.lorastream.ingest.service;

import java.util.Locale;

/** Formats accepted by the upload endpoint; both carry {@code text} and {@code label}, optionally {@code split}. */
public enum UploadFormat {
    /** One JSON object per line: {@code {"text": "...", "label": "positive" | 2, "split": "train"}}. */
    JSONL,
    /** RFC 4180 CSV with columns {@code text,label[,split]}; a header row naming them is optional. */
    CSV;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for anything but jsonl (ndjson) or csv */
    public static UploadFormat parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "jsonl", "ndjson" -> JSONL;
            case "csv" -> CSV;
            default -> throw new IllegalArgumentException("format must be jsonl or csv, was '" + value + "'");
        };
    }
}
