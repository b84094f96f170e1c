package io.lorastream.contracts;

/**
 * One formatted training or evaluation example, as published by ingest on {@link Topics#PROMPT_RECORDS}
 * keyed by {@code datasetId}. {@code output} is the completion the model learns (the label text).
 */
public record PromptRecord(
        int schemaVersion,
        String datasetId,
        Split split,
        int index,
        String instruction,
        String input,
        String output,
        String label,
        String templateId) {

    private static final String TYPE = "PromptRecord";

    public PromptRecord {
        Contract.version(schemaVersion, TYPE);
        Contract.requiredText(datasetId, TYPE, "datasetId");
        Contract.required(split, TYPE, "split");
        if (index < 0) {
            throw new ContractException(TYPE + ": index must be >= 0, was " + index);
        }
        Contract.required(instruction, TYPE, "instruction");
        Contract.requiredText(input, TYPE, "input");
        Contract.required(output, TYPE, "output");
        Contract.requiredText(label, TYPE, "label");
        Contract.requiredText(templateId, TYPE, "templateId");
    }

    /** A record in the current schema with the shared template. */
    public static PromptRecord of(String datasetId, Split split, int index, String tweet, String label) {
        return new PromptRecord(Contract.SCHEMA_VERSION, datasetId, split, index, PromptTemplate.INSTRUCTION,
                tweet, label, label, PromptTemplate.ID);
    }

    /** The prompt the model completes. */
    public String prompt() {
        return PromptTemplate.prompt(instruction, input);
    }
}
