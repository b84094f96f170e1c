package io.lorastream.ingest.service;

import java.util.Locale;

/**
 * Where a dataset came from. {@code location} is a normalized absolute directory, a base URL with a
 * trailing slash, or for uploads {@code sha256:<digest of the body>} with the format and default split.
 */
public record SourceRef(Kind kind, String location) {
    public enum Kind {
        DIR, URL, UPLOAD;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The form that goes into {@code DatasetSealed.source}: {@code dir:/data/x}, {@code url:https://...}. */
    public String describe() {
        return kind.wireName() + ":" + location;
    }
}
