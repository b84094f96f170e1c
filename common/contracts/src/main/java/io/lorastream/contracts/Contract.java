package io.lorastream.contracts;

/** Checks shared by every message record's compact constructor. */
final class Contract {
    /** Every record is written at this version; readers accept it and older ones. */
    static final int SCHEMA_VERSION = 1;

    private Contract() {}

    static int version(int schemaVersion, String type) {
        if (schemaVersion < 1) {
            throw new ContractException(type + ": missing required field 'schemaVersion'");
        }
        if (schemaVersion > SCHEMA_VERSION) {
            throw new ContractException(type + ": schemaVersion " + schemaVersion
                    + " is newer than this reader supports (" + SCHEMA_VERSION + "); upgrade the consumer");
        }
        return schemaVersion;
    }

    static <T> T required(T value, String type, String field) {
        if (value == null) {
            throw new ContractException(type + ": missing required field '" + field + "'");
        }
        return value;
    }

    static String requiredText(String value, String type, String field) {
        if (required(value, type, field).isBlank()) {
            throw new ContractException(type + ": field '" + field + "' must not be blank");
        }
        return value;
    }
}
