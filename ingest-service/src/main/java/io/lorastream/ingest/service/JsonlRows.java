package io.lorastream.ingest.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.lorastream.contracts.ContractJson;
import java.io.IOException;

/** Parses JSON Lines: one object per line with {@code text}, {@code label} (name or id) and optional {@code split}. */
final class JsonlRows {
    private static final ObjectReader READER =
            ContractJson.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final LineReader lines;

    JsonlRows(LineReader lines) {
        this.lines = lines;
    }

    RawRow next() throws IOException {
        LineReader.Line line = lines.next();
        if (line == null) {
            return null;
        }
        if (!line.ok()) {
            return RawRow.problem(line.number(), line.problem(), line.detail());
        }
        if (line.text().isBlank()) {
            return RawRow.problem(line.number(), RejectReason.MALFORMED_ROW, "blank line");
        }
        JsonNode node;
        try {
            node = READER.readTree(line.text());
        } catch (JsonProcessingException e) {
            return RawRow.problem(line.number(), RejectReason.MALFORMED_ROW, "invalid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            return RawRow.problem(line.number(), RejectReason.MALFORMED_ROW, "expected a JSON object per line");
        }
        JsonNode text = node.get("text");
        if (text == null || text.isNull()) {
            return RawRow.problem(line.number(), RejectReason.MALFORMED_ROW, "missing field 'text'");
        }
        if (!text.isTextual()) {
            return RawRow.problem(line.number(), RejectReason.MALFORMED_ROW, "field 'text' must be a string");
        }
        JsonNode split = node.get("split");
        if (split != null && !split.isNull() && !split.isTextual()) {
            return RawRow.problem(line.number(), RejectReason.MALFORMED_ROW, "field 'split' must be a string");
        }
        return RawRow.fields(line.number(), text.textValue(), label(node.get("label")),
                split == null || split.isNull() ? null : split.textValue());
    }

    /** A name stays a name, an integer becomes its digits; anything else is passed on to fail as unknown. */
    private static String label(JsonNode label) {
        if (label == null || label.isNull()) {
            return null;
        }
        return label.isTextual() ? label.textValue() : label.toString();
    }
}
