package io.lorastream.ingest.service;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Parses RFC 4180 CSV with columns {@code text,label[,split]} (a header naming them may come first, in
 * any order). Quoted fields may hold commas, doubled quotes and line breaks. Quoting errors reject only
 * the row they start on: when a quoted field is never closed (within the longest acceptable record or
 * before the end), or text follows a closing quote, the lines it swallowed are parsed again as rows of
 * their own, so one stray quote cannot eat the rest of the file.
 */
final class CsvRows {
    private final LineReader lines;
    private final int maxRecordChars;
    private final Deque<LineReader.Line> pushedBack = new ArrayDeque<>();
    private boolean headerChecked;
    private int textColumn = 0;
    private int labelColumn = 1;
    private int splitColumn = -1;
    private int width = -1; // fields per row once a header fixed it; -1: 2 or 3 positional fields

    CsvRows(LineReader lines, int maxRecordChars) {
        this.lines = lines;
        this.maxRecordChars = maxRecordChars;
    }

    RawRow next() throws IOException {
        while (true) {
            Record record = nextRecord();
            if (record == null) {
                return null;
            }
            if (record.problem != null) {
                return record.problem;
            }
            if (!headerChecked) {
                headerChecked = true;
                if (takeHeader(record.fields)) {
                    continue;
                }
            }
            return toRow(record.line, record.fields);
        }
    }

    private RawRow toRow(long line, List<String> fields) {
        if (width > 0 && fields.size() != width) {
            return RawRow.problem(line, RejectReason.MALFORMED_ROW,
                    "expected " + width + " fields as in the header, found " + fields.size());
        }
        if (width < 0 && fields.size() != 2 && fields.size() != 3) {
            return RawRow.problem(line, RejectReason.MALFORMED_ROW,
                    "expected 2 or 3 fields (text,label[,split]), found " + fields.size());
        }
        int split = width < 0 ? (fields.size() == 3 ? 2 : -1) : splitColumn;
        return RawRow.fields(line, fields.get(textColumn), fields.get(labelColumn),
                split >= 0 ? fields.get(split) : null);
    }

    private boolean takeHeader(List<String> fields) {
        List<String> names = fields.stream().map(f -> f.strip().toLowerCase(Locale.ROOT)).toList();
        if (!names.contains("text") || !names.contains("label")) {
            return false;
        }
        textColumn = names.indexOf("text");
        labelColumn = names.indexOf("label");
        splitColumn = names.indexOf("split");
        width = names.size();
        return true;
    }

    private record Record(long line, List<String> fields, RawRow problem) {}

    private Record nextRecord() throws IOException {
        LineReader.Line first = nextLine();
        if (first == null) {
            return null;
        }
        if (!first.ok()) {
            return problem(first.number(), first.problem(), first.detail());
        }
        if (first.text().isBlank()) {
            return problem(first.number(), RejectReason.MALFORMED_ROW, "blank line");
        }
        RecordParser parser = new RecordParser();
        List<LineReader.Line> continuation = new ArrayList<>();
        int chars = first.text().length();
        String error = parser.feed(first.text());
        while (error == null && parser.inQuotes) {
            LineReader.Line more = chars > maxRecordChars ? null : nextLine();
            if (more == null || !more.ok()) {
                if (more != null) {
                    continuation.add(more);
                }
                pushBack(continuation);
                String where = more != null ? "unreadable line " + more.number()
                        : chars > maxRecordChars ? "the longest acceptable record" : "the end of the input";
                return problem(first.number(), RejectReason.MALFORMED_ROW,
                        "unterminated quoted field: no closing quote before " + where);
            }
            continuation.add(more);
            chars += more.text().length() + 1;
            parser.field.append('\n');
            error = parser.feed(more.text());
        }
        if (error != null) {
            pushBack(continuation);
            return problem(first.number(), RejectReason.MALFORMED_ROW, error);
        }
        return new Record(first.number(), parser.fields, null);
    }

    private static Record problem(long line, RejectReason reason, String detail) {
        return new Record(line, null, RawRow.problem(line, reason, detail));
    }

    private LineReader.Line nextLine() throws IOException {
        return pushedBack.isEmpty() ? lines.next() : pushedBack.pollFirst();
    }

    private void pushBack(List<LineReader.Line> consumed) {
        for (int i = consumed.size() - 1; i >= 0; i--) {
            pushedBack.addFirst(consumed.get(i));
        }
    }

    /** Incremental: fed one physical line at a time, it keeps its state inside a quoted field. */
    static final class RecordParser {
        final List<String> fields = new ArrayList<>(3);
        final StringBuilder field = new StringBuilder();
        boolean inQuotes;
        private boolean afterClosingQuote;

        /** Consumes a line; returns an error, or null. Finished when {@link #inQuotes} is false afterwards. */
        String feed(String line) {
            boolean fieldStart = !inQuotes;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (inQuotes) {
                    if (c != '"') {
                        field.append(c);
                    } else if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        inQuotes = false;
                        afterClosingQuote = true;
                    }
                } else if (c == ',') {
                    fields.add(field.toString());
                    field.setLength(0);
                    afterClosingQuote = false;
                    fieldStart = true;
                } else if (afterClosingQuote) {
                    return "unexpected character '" + c + "' after a closing quote at column " + (i + 1);
                } else if (c == '"' && fieldStart) {
                    inQuotes = true;
                    fieldStart = false;
                } else {
                    field.append(c); // a quote inside an unquoted field is taken literally
                    fieldStart = false;
                }
            }
            if (!inQuotes) {
                fields.add(field.toString());
            }
            return null;
        }
    }
}
