package io.lorastream.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** A dataset split. TweetEval's file prefix for validation is {@code val}. */
public enum Split {
    TRAIN("train", "train"),
    VALIDATION("validation", "val"),
    TEST("test", "test");

    private final String wireName;
    private final String fileprefix;

    Split(String wireName, String filePrefix) {
        this.wireName = wireName;
        this.fileprefix = filePrefix;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** TweetEval's file name prefix ({@code val_text.txt} for validation). */
    public String filePrefix() {
        return fileprefix;
    }

    @JsonCreator
    public static Split parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (Split s : values()) {
            if (s.wireName.equals(n) || s.fileprefix.equals(n) || s.name().toLowerCase(Locale.ROOT).equals(n)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown split '" + name + "' (expected train, validation or test)");
    }
}
