package io.lorastream.contracts;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serializer/deserializer for the contract records, through {@link ContractJson}. */
public final class ContractSerde {
    private ContractSerde() {}

    /** Serializes any contract record as JSON. */
    public static class JsonSerializer<T> implements Serializer<T> {
        @Override
        public byte[] serialize(String topic, T data) {
            return data == null ? null : ContractJson.write(data);
        }
    }

    /** Deserializes one contract type; a bad record throws {@link ContractException}. */
    public static class JsonDeserializer<T> implements Deserializer<T> {
        private final Class<T> type;

        public JsonDeserializer(Class<T> type) {
            this.type = type;
        }

        @Override
        public T deserialize(String topic, byte[] data) {
            return data == null ? null : ContractJson.read(data, type);
        }
    }

    public static final class PromptRecordDeserializer extends JsonDeserializer<PromptRecord> {
        public PromptRecordDeserializer() { super(PromptRecord.class); }
    }

    public static final class DatasetSealedDeserializer extends JsonDeserializer<DatasetSealed> {
        public DatasetSealedDeserializer() { super(DatasetSealed.class); }
    }

    public static final class TrainingRequestDeserializer extends JsonDeserializer<TrainingRequest> {
        public TrainingRequestDeserializer() { super(TrainingRequest.class); }
    }

    public static final class CheckpointEventDeserializer extends JsonDeserializer<CheckpointEvent> {
        public CheckpointEventDeserializer() { super(CheckpointEvent.class); }
    }

    public static final class TweetMessageDeserializer extends JsonDeserializer<TweetMessage> {
        public TweetMessageDeserializer() { super(TweetMessage.class); }
    }

    public static final class SentimentResultDeserializer extends JsonDeserializer<SentimentResult> {
        public SentimentResultDeserializer() { super(SentimentResult.class); }
    }
}
