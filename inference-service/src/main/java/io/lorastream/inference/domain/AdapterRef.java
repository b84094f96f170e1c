package io.lorastream.inference.domain;

/**
 * Names what classified a tweet: {@code adapterId@version}, or {@link #BASE} for the bare model.
 * This is the string results carry in {@code SentimentResult.adapter}.
 */
public record AdapterRef(String adapterId, int version) {
    public static final String BASE_NAME = "base";
    /** The base model without an adapter. */
    public static final AdapterRef BASE = new AdapterRef(BASE_NAME, 0);

    public AdapterRef {
        if (adapterId == null || adapterId.isBlank()) {
            throw new IllegalArgumentException("adapter id must not be blank");
        }
        if (adapterId.contains("@") || adapterId.contains("/")) {
            throw new IllegalArgumentException("adapter id must not contain '@' or '/': " + adapterId);
        }
        if (version < 1 && !BASE_NAME.equals(adapterId)) {
            throw new IllegalArgumentException("adapter version must be >= 1, was " + version);
        }
    }

    /** Parses {@code id@version} or {@code base}. */
    public static AdapterRef parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty adapter reference");
        }
        String t = text.strip();
        if (t.equals(BASE_NAME)) {
            return BASE;
        }
        int at = t.lastIndexOf('@');
        if (at <= 0 || at == t.length() - 1) {
            throw new IllegalArgumentException("adapter reference must be 'id@version' or 'base', was '" + t + "'");
        }
        try {
            return new AdapterRef(t.substring(0, at), Integer.parseInt(t.substring(at + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("adapter version is not a number in '" + t + "'");
        }
    }

    public boolean isBase() {
        return this.equals(BASE);
    }

    @Override
    public String toString() {
        return isBase() ? BASE_NAME : adapterId + "@" + version;
    }
}
