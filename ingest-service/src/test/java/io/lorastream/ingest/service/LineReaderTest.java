package io.lorastream.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lorastream.ingest.MalformedCorpus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {

    private static List<LineReader.Line> lines(byte[] bytes, int maxLineBytes) throws IOException {
        List<LineReader.Line> out = new ArrayList<>();
        try (LineReader r = new LineReader(new ByteArrayInputStream(bytes), maxLineBytes)) {
            for (LineReader.Line l = r.next(); l != null; l = r.next()) {
                out.add(l);
            }
        }
        return out;
    }

    @Test
    void splitsOnNewlinesDropsCarriageReturnsAndKeepsALastLineWithoutNewline() throws IOException {
        List<LineReader.Line> l = lines(MalformedCorpus.utf8("a\r\n\nb \nlast"), 100);
        assertEquals(List.of("a", "", "b ", "last"), l.stream().map(LineReader.Line::text).toList());
        assertEquals(4, l.get(3).number());
    }

    @Test
    void aFinalNewlineDoesNotStartAnEmptyLineAndAByteOrderMarkIsDropped() throws IOException {
        List<LineReader.Line> l = lines(MalformedCorpus.utf8("\uFEFFhello\n"), 100);
        assertEquals(1, l.size());
        assertEquals("hello", l.get(0).text());
        assertTrue(lines(new byte[0], 100).isEmpty());
    }

    @Test
    void latin1BytesAreInvalidUtf8AndTheNextLineStillReads() throws IOException {
        List<LineReader.Line> l = lines(MalformedCorpus.concat(MalformedCorpus.latin1("caf\u00e9\n"),
                MalformedCorpus.utf8("caf\u00e9\n")), 100);
        assertEquals(RejectReason.INVALID_UTF8, l.get(0).problem());
        assertEquals("invalid UTF-8 at byte 4 of the line", l.get(0).detail());
        assertNull(l.get(0).text());
        assertEquals("caf\u00e9", l.get(1).text());
    }

    @Test
    void aMultiByteCharacterCutByTheEndOfTheFileIsInvalid() throws IOException {
        byte[] euro = MalformedCorpus.utf8("ok\nprice \u20ac");
        byte[] truncated = java.util.Arrays.copyOf(euro, euro.length - 1);
        List<LineReader.Line> l = lines(truncated, 100);
        assertEquals("ok", l.get(0).text());
        assertEquals(RejectReason.INVALID_UTF8, l.get(1).problem());
    }

    @Test
    void aMegabyteLineIsSkippedUnbufferedAndReportedTooLong() throws IOException {
        String big = MalformedCorpus.megabyteLine(1 << 20);
        List<LineReader.Line> l = lines(MalformedCorpus.utf8("first\n" + big + "\nafter\n"), 33_792);
        assertEquals(3, l.size());
        assertEquals(RejectReason.TOO_LONG, l.get(1).problem());
        assertTrue(l.get(1).detail().contains("1048576 bytes"), l.get(1).detail());
        assertEquals("after", l.get(2).text());
        assertEquals(3, l.get(2).number());
    }

    @Test
    void binaryGarbageBecomesLinesWithProblemsNeverAnException() throws IOException {
        byte[] garbage = MalformedCorpus.binaryGarbage(200_000);
        long newlines = 0;
        for (byte b : garbage) {
            newlines += b == '\n' ? 1 : 0;
        }
        List<LineReader.Line> l = lines(garbage, 33_792);
        assertTrue(l.size() >= newlines && l.size() <= newlines + 1);
        assertTrue(l.stream().filter(x -> !x.ok()).count() > l.size() / 2, "most random lines are invalid UTF-8");
    }
}
