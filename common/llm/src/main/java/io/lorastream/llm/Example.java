package io.lorastream.llm;

import io.lorastream.contracts.HyperParameters;
import io.lorastream.contracts.PromptRecord;
import java.util.Arrays;

/**
 * One tokenized example: {@code [bos] + tokens(prompt)} followed by the completion
 * {@code tokens(label) + [eos]}. Prompt and label are tokenized apart (as the golden data and the
 * reference run do), so the completion starts on a token boundary and can be masked exactly.
 *
 * @param tokens       the whole sequence
 * @param promptLength how many leading tokens are prompt (bos included); the rest is completion
 */
public record Example(int[] tokens, int promptLength) {

    public Example {
        if (tokens.length < 2 || promptLength < 1 || promptLength >= tokens.length) {
            throw new IllegalArgumentException("an example needs a prompt of >= 1 token and a completion of >= 1 token, was "
                    + promptLength + " + " + (tokens.length - promptLength));
        }
        tokens = tokens.clone();
    }

    /** A training/evaluation example from a prompt record: the completion is the record's output. */
    public static Example forTraining(LlamaTokenizer tok, PromptRecord record, int maxSeq) {
        return of(tok.bosId(), tok.encode(record.prompt()), tok.encode(record.output()), tok.eosId(), maxSeq);
    }

    /**
     * The sequence limit of a run: the requested max seq capped at the model's
     * {@code max_position_embeddings} (decisions.md). Rejecting an explicit request above the model's
     * limit is the trainer service's check, since only it knows whether the value was explicit.
     */
    public static int maxSeqLength(HyperParameters hp, LlamaModel model) {
        return Math.min(hp.maxSeqLength(), model.maxSeqLength());
    }

    /**
     * Builds {@code [bos] + prompt + completion + [eos]}, truncated to {@code maxSeq} tokens. Truncation
     * keeps the completion (what the model learns) and the end of the prompt (the tweet's end and the
     * {@code ### Output:} cue right before the label); it drops prompt tokens right after bos. Only a
     * completion longer than {@code maxSeq - 1} is itself cut (at its end).
     */
    public static Example of(int bos, int[] prompt, int[] completion, int eos, int maxSeq) {
        if (maxSeq < 2) {
            throw new IllegalArgumentException("maxSeq must be >= 2, was " + maxSeq);
        }
        int completionLength = Math.min(completion.length + 1, maxSeq - 1);
        int promptKept = Math.min(prompt.length, maxSeq - 1 - completionLength);
        int[] tokens = new int[1 + promptKept + completionLength];
        tokens[0] = bos;
        System.arraycopy(prompt, prompt.length - promptKept, tokens, 1, promptKept);
        int[] fullCompletion = Arrays.copyOf(completion, completion.length + 1);
        fullCompletion[completion.length] = eos;
        System.arraycopy(fullCompletion, 0, tokens, 1 + promptKept, completionLength);
        return new Example(tokens, 1 + promptKept);
    }

    public int length() {
        return tokens.length;
    }

    public int completionLength() {
        return tokens.length - promptLength;
    }

    /** A copy of the tokens (records expose their array; callers must not change ours). */
    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    int token(int i) {
        return tokens[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Example e && promptLength == e.promptLength && Arrays.equals(tokens, e.tokens);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(tokens) + promptLength;
    }

    @Override
    public String toString() {
        return "Example[prompt=" + promptLength + ", completion=" + completionLength() + "]";
    }
}
