package io.lorastream.ingest.service;

import io.lorastream.contracts.Split;

/**
 * One rejected row.
 *
 * @param line 1-based line number in the file (TweetEval: of the text and labels files; uploads: where the row starts)
 * @param detail a short human explanation, safe to store (no control characters, bounded length)
 */
public record Reject(Split split, long line, RejectReason reason, String detail) {
    static final int MAX_DETAIL = 300;

    public Reject {
        detail = printable(detail);
    }

    /** Replaces control characters and cuts long details: they end up in PostgreSQL and JSON reports. */
    static String printable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_DETAIL + 1));
        for (int i = 0; i < s.length() && b.length() < MAX_DETAIL; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f || Character.isSurrogate(c) ? '\uFFFD' : c);
        }
        return s.length() > MAX_DETAIL ? b.append('…').toString() : b.toString();
    }
}
