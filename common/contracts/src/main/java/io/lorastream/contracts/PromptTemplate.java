package io.lorastream.contracts;

/**
 * The reference run's Alpaca-style prompt, byte for byte. Ingest writes it; trainer and inference
 * rebuild it identically, so it lives here and nowhere else.
 */
public final class PromptTemplate {
    /** Stored in every {@link PromptRecord}, so a change of template is visible downstream. */
    public static final String ID = "alpaca-sentiment-v1";

    public static final String INSTRUCTION =
            "Classify the sentiment of the tweet as positive, negative, or neutral.";

    private static final String FORMAT = "### Instruction:\n%s\n\n### Input:\n%s\n\n### Output:\n";

    private PromptTemplate() {}

    /** The prompt the model completes: everything up to and including {@code ### Output:\n}. */
    public static String prompt(String instruction, String input) {
        return String.format(FORMAT, instruction, input);
    }

    public static String prompt(String input) {
        return prompt(INSTRUCTION, input);
    }

    /** The training text: prompt followed by the label (the tokenizer's eos is added by the engine). */
    public static String full(String instruction, String input, String output) {
        return prompt(instruction, input) + output;
    }

    /** TweetEval lines end with {@code " \n"}: strip both ends, keep the inner text as it is. */
    public static String normalizeTweet(String raw) {
        return raw == null ? null : raw.strip();
    }
}
