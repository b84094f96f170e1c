package io.lorastream.contracts;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** TweetEval sentiment labels with their ids from {@code mapping.txt}. */
public enum SentimentLabel {
    NEGATIVE(0),
    NEUTRAL(1),
    POSITIVE(2);

    private final int id;

    SentimentLabel(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    /** The label as it appears in prompts and results: lower case. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Label texts in id order. */
    public static List<String> texts() {
        return List.of(NEGATIVE.text(), NEUTRAL.text(), POSITIVE.text());
    }

    /** Accepts a name ({@code positive}, any case) or an id ({@code 2}). */
    public static Optional<SentimentLabel> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (SentimentLabel l : values()) {
            if (l.text().equals(v) || Integer.toString(l.id).equals(v)) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }
}
