package io.lorastream.inference.messaging;

import io.lorastream.contracts.ContractException;
import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.PromptTemplate;
import io.lorastream.contracts.TweetMessage;
import io.lorastream.inference.domain.AdapterRef;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns one raw record of {@code lorastream.tweets} into a tweet to classify, or a reason to dead-letter
 * it. A value whose first non-blank character is <code>{</code> must be a {@link TweetMessage}; anything
 * else is the tweet's plain text, identified by the record key or, without one, by
 * {@code <topic>-<partition>-<offset>} (stable, so a redelivered record keeps its id).
 */
public final class TweetDecoder {
    private final int maxChars;

    public TweetDecoder(int maxChars) {
        this.maxChars = maxChars;
    }

    /** The outcome of decoding one record. */
    public sealed interface Decoded permits Tweet, Rejected {}

    /** A tweet to classify; {@code pin} is null for "the active adapter". */
    public record Tweet(String id, String text, AdapterRef pin) implements Decoded {}

    public record Rejected(RejectReason reason, String detail) implements Decoded {
        public String header() {
            return reason.header(detail);
        }
    }

    public Decoded decode(String topic, int partition, long offset, String key, byte[] value) {
        if (value == null || value.length == 0) {
            return new Rejected(RejectReason.EMPTY_TEXT, "record has no value");
        }
        String raw;
        try {
            raw = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            return new Rejected(RejectReason.INVALID_UTF8, "value is not valid UTF-8 (" + e.getMessage() + ")");
        }
        String id;
        String text;
        AdapterRef pin = null;
        if (raw.stripLeading().startsWith("{")) {
            TweetMessage m;
            try {
                m = ContractJson.read(raw, TweetMessage.class);
            } catch (ContractException e) {
                return new Rejected(RejectReason.INVALID_JSON, e.getMessage());
            }
            id = m.id();
            text = m.text();
            if (m.adapterPin() != null && !m.adapterPin().isBlank()) {
                try {
                    pin = AdapterRef.parse(m.adapterPin());
                } catch (IllegalArgumentException e) {
                    return new Rejected(RejectReason.INVALID_ADAPTER_PIN, e.getMessage());
                }
            }
        } else {
            id = key != null && !key.isBlank() ? key : topic + "-" + partition + "-" + offset;
            text = raw;
        }
        text = PromptTemplate.normalizeTweet(text);
        if (text.isEmpty()) {
            return new Rejected(RejectReason.EMPTY_TEXT, "tweet " + id + " has no text");
        }
        int chars = text.codePointCount(0, text.length());
        if (chars > maxChars) {
            return new Rejected(RejectReason.OVERSIZE, "tweet " + id + " has " + chars + " characters, the limit is "
                    + maxChars);
        }
        return new Tweet(id, text, pin);
    }
}
