package io.lorastream.ingest.service;

import io.lorastream.contracts.PromptRecord;

/** Where prompt records go: the Kafka topic in the service and the benchmark. */
public interface PromptRecordSink {
    /** Hands one record over; may block while too many are unacknowledged. */
    void send(PromptRecord record);

    /**
     * Waits until every record sent so far is acknowledged.
     *
     * @throws IllegalStateException when any record failed; nothing is sealed then
     */
    void flush();
}
