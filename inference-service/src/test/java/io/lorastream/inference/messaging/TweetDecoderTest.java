package io.lorastream.inference.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.TweetMessage;
import io.lorastream.inference.domain.AdapterRef;
import io.lorastream.inference.messaging.TweetDecoder.Rejected;
import io.lorastream.inference.messaging.TweetDecoder.Tweet;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Every way a raw tweet record is accepted or dead-lettered, without a broker. */
class TweetDecoderTest {
    private final TweetDecoder decoder = new TweetDecoder(20);

    private TweetDecoder.Decoded decode(String key, byte[] value) {
        return decoder.decode("lorastream.tweets", 2, 41, key, value);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void jsonTweetKeepsItsIdStrippedTextAndPin() {
        byte[] json = ContractJson.write(new TweetMessage(1, "t-1", "  good day \n", Instant.now(), "sent@3"));
        Tweet t = assertInstanceOf(Tweet.class, decode("other-key", json));
        assertEquals("t-1", t.id());
        assertEquals("good day", t.text());
        assertEquals(new AdapterRef("sent", 3), t.pin());
    }

    @Test
    void plainTextUsesTheKeyElseAStableRecordId() {
        Tweet keyed = assertInstanceOf(Tweet.class, decode("k-9", utf8("so happy 🎉 ")));
        assertEquals("k-9", keyed.id());
        assertEquals("so happy 🎉", keyed.text());
        assertNull(keyed.pin());
        Tweet unkeyed = assertInstanceOf(Tweet.class, decode(null, utf8("meh")));
        assertEquals("lorastream.tweets-2-41", unkeyed.id());
    }

    @Test
    void badRecordsAreRejectedWithTheirReason() {
        assertEquals(RejectReason.INVALID_JSON, reason(decode("k", utf8("{\"id\": \"x\", "))));
        assertEquals(RejectReason.INVALID_JSON, reason(decode("k", utf8("{\"schemaVersion\":1,\"id\":\"x\"}"))));
        assertEquals(RejectReason.INVALID_JSON, reason(decode("k", utf8("{\"schemaVersion\":9,\"id\":\"x\",\"text\":\"a\"}"))));
        assertEquals(RejectReason.EMPTY_TEXT, reason(decode("k", utf8("   \n "))));
        assertEquals(RejectReason.EMPTY_TEXT, reason(decode("k", new byte[0])));
        assertEquals(RejectReason.EMPTY_TEXT, reason(decode("k", null)));
        assertEquals(RejectReason.EMPTY_TEXT, reason(decode("k", utf8("{\"schemaVersion\":1,\"id\":\"x\",\"text\":\" \"}"))));
        assertEquals(RejectReason.OVERSIZE, reason(decode("k", utf8("x".repeat(21)))));
        assertEquals(RejectReason.INVALID_UTF8, reason(decode("k", new byte[] {'o', 'k', (byte) 0xC3, (byte) 0x28})));
        assertEquals(RejectReason.INVALID_ADAPTER_PIN,
                reason(decode("k", utf8("{\"schemaVersion\":1,\"id\":\"x\",\"text\":\"a\",\"adapterPin\":\"sent@v2\"}"))));
    }

    @Test
    void theLimitCountsCharactersNotBytesOrUtf16Units() {
        assertInstanceOf(Tweet.class, decode("k", utf8("😀".repeat(20))));
        Rejected r = assertInstanceOf(Rejected.class, decode("k", utf8("😀".repeat(21))));
        assertTrue(r.header().startsWith("oversize: "), r.header());
        assertTrue(r.header().contains("21 characters"), r.header());
    }

    private static RejectReason reason(TweetDecoder.Decoded d) {
        return assertInstanceOf(Rejected.class, d).reason();
    }
}
