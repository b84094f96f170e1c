package io.lorastream.hub;

/**
 * A Hub operation that did not succeed, with a {@link Kind} callers can map to a REST status or a run
 * record's cause. Messages name the operation and the repository, never the token.
 */
public class HubException extends RuntimeException {

    /** What went wrong, coarse enough to act on. */
    public enum Kind {
        /** 401/403: no token, a wrong or expired token, or one without write access. */
        UNAUTHORIZED,
        /** 404: repository, revision or file does not exist (or is private and the token cannot see it). */
        NOT_FOUND,
        /** 409/412: the repository or branch changed under us. */
        CONFLICT,
        /** Any other 4xx: the Hub refused the request as malformed or not allowed. */
        REJECTED,
        /** 5xx or 429 still failing after the retries. */
        SERVER,
        /** Connection refused, reset or timed out, still failing after the retries. */
        NETWORK,
        /** A downloaded file whose size or digest is not the one the Hub announced. */
        INTEGRITY,
        /** The repository or folder holds no PEFT adapter ({@code adapter_config.json} + weights). */
        NO_ADAPTER,
        /** A malformed {@code hf://} URI, repository id or argument. */
        INVALID_ARGUMENT,
        /** The Hub asked for a transfer this client does not implement. */
        UNSUPPORTED,
        /** A commit whose outcome could not be confirmed: it is not reported as published. */
        NOT_CONFIRMED
    }

    private final Kind kind;
    private final int status;
    private final String detail;

    public HubException(Kind kind, String message) {
        this(kind, message, 0, null);
    }

    public HubException(Kind kind, String message, Throwable cause) {
        this(kind, message, 0, cause);
    }

    public HubException(Kind kind, String message, int status, Throwable cause) {
        super(kind + ": " + message, cause);
        this.kind = kind;
        this.status = status;
        this.detail = message;
    }

    /** The message without the kind prefix. */
    public String detail() {
        return detail;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status that caused it, 0 when none. */
    public int status() {
        return status;
    }

    /** Whether trying the same call again later may succeed (server, network). */
    public boolean isTransient() {
        return kind == Kind.SERVER || kind == Kind.NETWORK;
    }
}
