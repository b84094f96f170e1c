package io.lorastream.contracts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON mapping of the contracts: unknown fields are tolerated (older readers of newer
 * producers), missing required fields and newer schema versions fail with a {@link ContractException}.
 */
public final class ContractJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .build();

    private ContractJson() {}

    /** The configured mapper; do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] write(Object message) {
        try {
            return MAPPER.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new ContractException("cannot serialize " + message.getClass().getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    public static String writeString(Object message) {
        return new String(write(message), StandardCharsets.UTF_8);
    }

    public static <T> T read(byte[] json, Class<T> type) {
        if (json == null || json.length == 0) {
            throw new ContractException(type.getSimpleName() + ": empty message");
        }
        try {
            T value = MAPPER.readValue(json, type);
            if (value == null) {
                throw new ContractException(type.getSimpleName() + ": message is JSON null");
            }
            return value;
        } catch (IOException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ContractException ce) {
                    throw new ContractException(ce.getMessage(), e); // a record's own words already name the type
                }
            }
            throw new ContractException(type.getSimpleName() + ": " + rootMessage(e), e);
        }
    }

    public static <T> T read(String json, Class<T> type) {
        return read(json == null ? null : json.getBytes(StandardCharsets.UTF_8), type);
    }

    /** The innermost message: a ContractException thrown in a record constructor keeps its own words. */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            if (t instanceof ContractException) {
                break;
            }
            t = t.getCause();
        }
        if (t instanceof ContractException) {
            return t.getMessage();
        }
        if (t instanceof JsonProcessingException jpe) {
            return jpe.getOriginalMessage();
        }
        return t.getMessage();
    }
}
