package io.lorastream.contracts;

import java.util.List;

/** The one place that names every Kafka topic. Each topic has a dead-letter twin: {@code <topic>.dlq}. */
public final class Topics {
    public static final String PROMPT_RECORDS = "lorastream.prompt-records";
    public static final String DATASETS = "lorastream.datasets";
    public static final String TRAINING_REQUESTS = "lorastream.training-requests";
    public static final String CHECKPOINTS = "lorastream.checkpoints";
    public static final String TWEETS = "lorastream.tweets";
    public static final String SENTIMENTS = "lorastream.sentiments";

    /** Every main topic, in pipeline order. */
    public static final List<String> ALL =
            List.of(PROMPT_RECORDS, DATASETS, TRAINING_REQUESTS, CHECKPOINTS, TWEETS, SENTIMENTS);

    /** Header on a dead-lettered record: why it was rejected. */
    public static final String DLQ_REASON_HEADER = "lorastream-dlq-reason";
    /** Header on a dead-lettered record: {@code topic/partition/offset} it came from. */
    public static final String DLQ_SOURCE_HEADER = "lorastream-dlq-source";

    private Topics() {}

    public static String dlq(String topic) {
        return topic + ".dlq";
    }

    /** Default partition count (shared/notes/decisions.md): 3 for the tweet streams, 1 elsewhere. */
    public static int defaultPartitions(String topic) {
        return topic.equals(TWEETS) || topic.equals(SENTIMENTS) ? 3 : 1;
    }
}
