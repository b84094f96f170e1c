package io.lorastream.contracts;

import java.time.Instant;

/**
 * A tweet to classify, on {@link Topics#TWEETS} keyed by {@code id}.
 *
 * @param adapterPin optional {@code adapterId@version} that must classify this tweet; null for the active one
 */
public record TweetMessage(int schemaVersion, String id, String text, Instant createdAt, String adapterPin) {

    private static final String TYPE = "TweetMessage";

    public TweetMessage {
        Contract.version(schemaVersion, TYPE);
        Contract.requiredText(id, TYPE, "id");
        Contract.required(text, TYPE, "text");
    }

    public static TweetMessage of(String id, String text) {
        return new TweetMessage(Contract.SCHEMA_VERSION, id, text, Instant.now(), null);
    }
}
