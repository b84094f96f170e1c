package io.lorastream.contracts;

/** A message that does not satisfy its contract: malformed JSON, a missing field, a newer schema. */
public class ContractException extends RuntimeException {
    public ContractException(String message) {
        super(message);
    }

    public ContractException(String message, Throwable cause) {
        super(message, cause);
    }
}
