package io.lorastream.inference.domain;

/** When a newly verified adapter replaces the active one. */
public enum SwapPolicy {
    /** Every verified adapter becomes active. */
    ALWAYS,
    /** Only when its validation macro-recall is at least the active adapter's. */
    IF_BETTER,
    /** Never by itself: an operator activates it (POST /adapters/{id}/{version}/activate). */
    MANUAL;

    /** The spelling used in configuration and the API: {@code always}, {@code if-better}, {@code manual}. */
    public String text() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** Parses {@code always}, {@code if-better} or {@code manual} (any case, {@code _} for {@code -}). */
    public static SwapPolicy parse(String text) {
        if (text != null) {
            String t = text.strip().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
            for (SwapPolicy p : values()) {
                if (p.text().equals(t)) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException("policy must be always, if-better or manual, was '" + text + "'");
    }
}
