package io.lorastream.ingest.service;

import io.lorastream.contracts.PromptTemplate;
import io.lorastream.contracts.SentimentLabel;
import io.lorastream.contracts.Split;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Checks rows one by one and remembers the texts seen per split, so duplicates are found in one pass.
 * The first failing check decides the reason: encoding, emptiness, length, content, label, duplicate.
 */
public final class ExampleValidator {
    private final ValidationRules rules;
    private final LabelMapping labels;
    private final RejectLog rejects;
    private final Map<Split, Map<String, Long>> seen = new EnumMap<>(Split.class);

    public ExampleValidator(ValidationRules rules, LabelMapping labels, RejectLog rejects) {
        this.rules = rules;
        this.labels = labels;
        this.rejects = rejects;
    }

    /** The example, or empty after recording why the row was rejected. */
    public Optional<Example> check(Split split, long line, String rawText, String rawLabel) {
        String text = PromptTemplate.normalizeTweet(rawText);
        if (text == null || text.isEmpty()) {
            return rejected(split, line, RejectReason.EMPTY_TEXT, "text is empty or blank");
        }
        int chars = text.codePointCount(0, text.length());
        if (chars > rules.maxChars()) {
            return rejected(split, line, RejectReason.TOO_LONG,
                    "text has " + chars + " characters, more than the maximum " + rules.maxChars());
        }
        Problem content = contentProblem(text);
        if (content != null) {
            return rejected(split, line, content.reason(), content.detail());
        }
        if (rawLabel == null || rawLabel.isBlank()) {
            return rejected(split, line, RejectReason.UNKNOWN_LABEL, "missing label");
        }
        Optional<SentimentLabel> label = labels.resolve(rawLabel);
        if (label.isEmpty()) {
            return rejected(split, line, RejectReason.UNKNOWN_LABEL, "unknown label '" + rawLabel.strip()
                    + "' (expected one of " + SentimentLabel.texts() + " or their ids 0-2)");
        }
        Long first = seen.computeIfAbsent(split, s -> new HashMap<>()).putIfAbsent(text, line);
        if (first != null) {
            return rejected(split, line, RejectReason.DUPLICATE_TEXT, "same text as line " + first);
        }
        return Optional.of(new Example(split, line, text, label.get()));
    }

    /** Records a row rejected before its text could be checked (decoding, parsing, pairing). */
    public void reject(Split split, long line, RejectReason reason, String detail) {
        rejects.add(split, line, reason, detail);
    }

    public RejectLog rejects() {
        return rejects;
    }

    private Optional<Example> rejected(Split split, long line, RejectReason reason, String detail) {
        rejects.add(split, line, reason, detail);
        return Optional.empty();
    }

    record Problem(RejectReason reason, String detail) {}

    /** Control characters (other than tab and newlines) mean binary content; lone surrogates mean broken text. */
    static Problem contentProblem(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
                return new Problem(RejectReason.BINARY_CONTENT,
                        String.format("control character U+%04X at position %d", (int) c, i + 1));
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return new Problem(RejectReason.INVALID_UTF8, "unpaired surrogate at position " + (i + 1));
            }
            if (Character.isLowSurrogate(c)) {
                return new Problem(RejectReason.INVALID_UTF8, "unpaired surrogate at position " + (i + 1));
            }
        }
        return null;
    }
}
