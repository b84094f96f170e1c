package io.lorastream.inference.messaging;

/** Why a tweet went to the DLQ: the code starts the {@code lorastream-dlq-reason} header. */
public enum RejectReason {
    INVALID_UTF8("invalid-utf8"),
    INVALID_JSON("invalid-json"),
    EMPTY_TEXT("empty-text"),
    OVERSIZE("oversize"),
    INVALID_ADAPTER_PIN("invalid-adapter-pin"),
    ADAPTER_UNAVAILABLE("adapter-unavailable"),
    CLASSIFICATION_FAILED("classification-failed");

    private final String code;

    RejectReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** Header value: {@code <code>: <detail>}. */
    public String header(String detail) {
        return detail == null || detail.isBlank() ? code : code + ": " + detail;
    }
}
