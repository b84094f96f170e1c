package io.lorastream.ingest.service;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a byte stream into lines ({@code \n}, an optional {@code \r} before it is dropped) and decodes
 * each one as strict UTF-8. A bad line never stops the stream: it comes back with its problem
 * ({@link RejectReason#INVALID_UTF8} or {@link RejectReason#TOO_LONG}) and the next line reads normally.
 * Lines longer than {@code maxLineBytes} are skipped without being buffered.
 */
public final class LineReader implements Closeable {

    /** One physical line: {@code text} is null when {@code problem} is set. */
    public record Line(long number, String text, RejectReason problem, String detail) {
        public boolean ok() {
            return problem == null;
        }
    }

    private static final int BOM_LENGTH = 3;

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private boolean eof;
    private byte[] line = new byte[256];
    private CharBuffer chars = CharBuffer.allocate(256);
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private long bytesRead;
    private long number;

    public LineReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** The next line, or null at the end of the stream (a final newline does not start an empty line). */
    public Line next() throws IOException {
        int len = 0;
        long lineBytes = 0;
        boolean newline = false;
        while (!newline) {
            if (pos == limit && !fill()) {
                if (lineBytes == 0) {
                    return null;
                }
                break;
            }
            int end = pos;
            while (end < limit && buf[end] != '\n') {
                end++;
            }
            int chunk = end - pos;
            if (lineBytes + chunk <= maxLineBytes) {
                ensureCapacity(len + chunk);
                System.arraycopy(buf, pos, line, len, chunk);
                len += chunk;
            }
            lineBytes += chunk;
            newline = end < limit;
            pos = newline ? end + 1 : end;
        }
        number++;
        if (lineBytes > maxLineBytes) {
            return new Line(number, null, RejectReason.TOO_LONG,
                    "line of " + lineBytes + " bytes exceeds the limit of " + maxLineBytes + " bytes");
        }
        if (len > 0 && line[len - 1] == '\r') {
            len--;
        }
        return decode(len);
    }

    /** Bytes consumed from the stream so far. */
    public long bytesRead() {
        return bytesRead;
    }

    /** Number of the last line returned. */
    public long lineNumber() {
        return number;
    }

    private Line decode(int len) {
        int start = number == 1 && len >= BOM_LENGTH && (line[0] & 0xff) == 0xEF && (line[1] & 0xff) == 0xBB
                && (line[2] & 0xff) == 0xBF ? BOM_LENGTH : 0;
        ByteBuffer bytes = ByteBuffer.wrap(line, start, len - start);
        if (chars.capacity() < len) {
            chars = CharBuffer.allocate(Math.max(len, chars.capacity() * 2));
        }
        chars.clear();
        decoder.reset();
        CoderResult result = decoder.decode(bytes, chars, true);
        if (!result.isError()) {
            result = decoder.flush(chars);
        }
        if (result.isError()) {
            return new Line(number, null, RejectReason.INVALID_UTF8,
                    "invalid UTF-8 at byte " + (bytes.position() + 1) + " of the line");
        }
        chars.flip();
        return new Line(number, chars.toString(), null, null);
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int n = in.readNBytes(buf, 0, buf.length);
        if (n <= 0) {
            eof = true;
            return false;
        }
        pos = 0;
        limit = n;
        bytesRead += n;
        return true;
    }

    private void ensureCapacity(int needed) {
        if (needed > line.length) {
            line = Arrays.copyOf(line, Math.max(needed, line.length * 2));
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
