package io.lorastream.ingest.service;

/** Why a row did not become an example. Every rejected row is counted under exactly one reason. */
public enum RejectReason {
    /** The text is empty or only whitespace. */
    EMPTY_TEXT,
    /** The text is longer than the configured maximum (in characters), or its line is far too long to hold one. */
    TOO_LONG,
    /** The bytes are not valid UTF-8 (or the text holds an unpaired surrogate). */
    INVALID_UTF8,
    /** The text holds control characters other than tab and newline: binary content. */
    BINARY_CONTENT,
    /** The label is missing or names no known label (by name or id). */
    UNKNOWN_LABEL,
    /** A text line without its label line, or a label line without its text line. */
    LINE_COUNT_MISMATCH,
    /** The same text appeared earlier in the same split. */
    DUPLICATE_TEXT,
    /** An uploaded row that cannot be parsed: bad JSON, CSV quoting errors, wrong field count. */
    MALFORMED_ROW,
    /** An uploaded row for a split the request did not select. */
    SPLIT_NOT_SELECTED
}
