package io.lorastream.ingest.service;

/**
 * Limits applied to every row.
 *
 * @param maxChars longest accepted text, in Unicode code points after stripping
 */
public record ValidationRules(int maxChars) {
    public static final int DEFAULT_MAX_CHARS = 4096;

    public ValidationRules {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars must be >= 1, was " + maxChars);
        }
    }

    public static ValidationRules defaults() {
        return new ValidationRules(DEFAULT_MAX_CHARS);
    }

    /**
     * Longest physical line the readers buffer. Beyond it the line is skipped unread and rejected as
     * {@link RejectReason#TOO_LONG}: even JSON-escaped ({@code \\uXXXX}, 6 bytes a char) or CSV-quoted, a
     * longer line cannot hold an acceptable text, and a 1 GB line must not be buffered.
     */
    public int maxLineBytes() {
        return (int) Math.min(Integer.MAX_VALUE - 16, 8L * maxChars + 1024);
    }
}
