package io.lorastream.ingest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Bad inputs every reader must survive: each becomes counted rejects (or a 4xx), never a crash. Built in
 * code rather than stored, so the bytes are exact and visible here.
 */
public final class MalformedCorpus {
    private MalformedCorpus() {}

    /** Random bytes, fixed seed: mostly invalid UTF-8, some control characters, a few newlines. */
    public static byte[] binaryGarbage(int size) {
        byte[] b = new byte[size];
        new Random(42).nextBytes(b);
        return b;
    }

    /** One line of {@code size} bytes of valid text, then a normal line. */
    public static String megabyteLine(int size) {
        return "x".repeat(size);
    }

    /** "café" in ISO-8859-1: the é is the lone byte 0xE9, invalid in UTF-8. */
    public static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** CSV rows with quoting errors, keyed by what is wrong, each followed by a good row that must survive. */
    public static Map<String, String> csvQuotingErrors() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("text after closing quote", "\"good start\"bad end,positive\nfine row one,negative\n");
        m.put("unterminated quote at end", "fine row two,neutral\n\"never closed,positive\n");
        m.put("unterminated quote mid-file", "\"opens here,positive\nfine row three,negative\nfine row four,neutral\n");
        m.put("too many fields", "a,b,c,d\nfine row five,positive\n");
        m.put("too few fields", "lonely field\nfine row six,positive\n");
        return m;
    }
}
