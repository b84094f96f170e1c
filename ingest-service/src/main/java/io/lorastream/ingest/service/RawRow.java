package io.lorastream.ingest.service;

/**
 * A row of an upload as parsed, before validation: either fields (text and label may be null when
 * absent) or the problem that kept it from being parsed.
 */
record RawRow(long line, String text, String label, String split, RejectReason problem, String detail) {
    static RawRow fields(long line, String text, String label, String split) {
        return new RawRow(line, text, label, split, null, null);
    }

    static RawRow problem(long line, RejectReason reason, String detail) {
        return new RawRow(line, null, null, null, reason, detail);
    }

    boolean ok() {
        return problem == null;
    }
}
