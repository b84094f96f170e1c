package io.lorastream.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.lorastream.contracts.HyperParameters.LossOn;
import io.lorastream.contracts.PromptTemplate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Classifies texts by scoring each label's whole continuation: {@code log p(tokens(label) + [eos] |
 * [bos] + prompt)} summed over its tokens, then a softmax over the labels. Scoring the eos too means
 * a label that is a prefix of a longer answer does not win by default, and multi-token labels compare
 * fairly. The adapter is chosen per call, so one classifier serves several loaded adapters.
 *
 * <p>Two ways to lay out the batch ({@link Scoring}), chosen automatically: when every label is one
 * token (Llama 3's negative / neutral / positive), one row per text holds the prompt followed by all
 * label tokens, each at the position right after the prompt and seeing the prompt and itself only —
 * the same numbers as separate rows at a third of the tokens. Otherwise one row per (text, label).
 * Texts are sorted by length before batching (less padding); results come back in input order.
 */
public final class SentimentClassifier {
    /** Texts per forward batch on the CPU (each one row, or one row per label). */
    public static final int DEFAULT_BATCH_SIZE = 8;
    /** Texts per forward batch on a GPU: NF4 weights are decoded once per forward, so larger batches amortize it. */
    public static final int DEFAULT_GPU_BATCH_SIZE = 64;

    /** How a text's labels are laid out in the batch. */
    public enum Scoring {
        /** One right-padded row per (text, label): {@code [bos] + prompt + label + [eos]}. Any labels. */
        ROW_PER_LABEL,
        /**
         * One row per text, {@code [bos] + prompt + label_1 .. label_L}, every label token at RoPE position
         * {@code |[bos] + prompt|} attending to the prompt and itself; {@code p(label_j)} is read at the
         * prompt's last token and {@code p(eos | label_j)} at label j's slot. Single-token labels only.
         */
        SHARED_PROMPT
    }

    private final LlamaModel model;
    private final LlamaTokenizer tokenizer;
    private final List<String> labels;
    private final int[][] continuations;
    private final int promptBudget;
    private final int batchSize;
    private final Scoring scoring;

    /** With {@link #defaultBatchSize} and the best {@link Scoring} the labels allow. */
    public SentimentClassifier(LlamaModel model, List<String> labels) {
        this(model, labels, defaultBatchSize(model));
    }

    /** With the best {@link Scoring} the labels allow: shared prompt when every label is one token. */
    public SentimentClassifier(LlamaModel model, List<String> labels, int batchSize) {
        this(model, labels, batchSize, null);
    }

    /** @param scoring the batch layout; null = the best the labels allow */
    public SentimentClassifier(LlamaModel model, List<String> labels, int batchSize, Scoring scoring) {
        if (labels.isEmpty() || labels.stream().distinct().count() != labels.size()) {
            throw new IllegalArgumentException("labels must be non-empty and distinct: " + labels);
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be > 0, was " + batchSize);
        }
        this.model = model;
        this.tokenizer = model.tokenizer();
        this.labels = List.copyOf(labels);
        this.batchSize = batchSize;
        this.continuations = new int[labels.size()][];
        int longest = 0;
        for (int j = 0; j < labels.size(); j++) {
            continuations[j] = tokenizer.encode(labels.get(j));
            if (continuations[j].length == 0) {
                throw new IllegalArgumentException("label '" + labels.get(j) + "' has no tokens");
            }
            longest = Math.max(longest, continuations[j].length + 1);
        }
        boolean singleTokens = longest == 2;
        if (scoring == Scoring.SHARED_PROMPT && !singleTokens) {
            throw new IllegalArgumentException("shared-prompt scoring needs single-token labels; " + labels
                    + " tokenize to up to " + (longest - 1) + " tokens");
        }
        this.scoring = scoring != null ? scoring : singleTokens ? Scoring.SHARED_PROMPT : Scoring.ROW_PER_LABEL;
        // every label sees the same (possibly truncated) prompt: bos + prompt + longest continuation fit
        this.promptBudget = model.maxSeqLength() - 1 - longest;
        if (promptBudget < 1) {
            throw new IllegalArgumentException("labels are too long for the model's " + model.maxSeqLength() + " positions");
        }
    }

    /** {@link #DEFAULT_GPU_BATCH_SIZE} on a GPU, {@link #DEFAULT_BATCH_SIZE} on the CPU. */
    public static int defaultBatchSize(LlamaModel model) {
        return model.device().isGpu() ? DEFAULT_GPU_BATCH_SIZE : DEFAULT_BATCH_SIZE;
    }

    public List<String> labels() {
        return labels;
    }

    public Scoring scoring() {
        return scoring;
    }

    public int batchSize() {
        return batchSize;
    }

    /** One classification per text, in order; texts are stripped like training tweets and put in the template. */
    public List<Classification> classify(List<String> texts, LoraAdapter adapterOrNull) {
        List<Classification> out = new ArrayList<>(texts.size());
        for (double[] ll : logLikelihoods(texts, adapterOrNull)) {
            out.add(toClassification(ll));
        }
        return out;
    }

    /** {@code [text][label]} summed log-probabilities of each label's continuation (label tokens + eos). */
    public List<double[]> logLikelihoods(List<String> texts, LoraAdapter adapterOrNull) {
        List<int[]> prompts = new ArrayList<>(texts.size());
        for (String text : texts) {
            prompts.add(tokenizer.encode(PromptTemplate.prompt(PromptTemplate.normalizeTweet(text))));
        }
        return logLikelihoodsOfPromptIds(prompts, adapterOrNull);
    }

    /**
     * Like {@link #logLikelihoods} for prompts already tokenized (template applied, no bos): for
     * replaying another engine's exact token ids.
     */
    public List<double[]> logLikelihoodsOfPromptIds(List<int[]> promptIds, LoraAdapter adapterOrNull) {
        List<int[]> prompts = new ArrayList<>(promptIds.size());
        for (int[] full : promptIds) {
            // keep the end of a long prompt: the cue before the label
            prompts.add(full.length > promptBudget ? Arrays.copyOfRange(full, full.length - promptBudget, full.length) : full);
        }
        Integer[] order = new Integer[prompts.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> prompts.get(i).length)); // similar lengths share a batch
        double[][] out = new double[prompts.size()][];
        try (NoGradScope noGrad = NoGradScope.enter(); NDManager root = NDManager.newBaseManager(model.device())) {
            for (int start = 0; start < order.length; start += batchSize) {
                Integer[] chunk = Arrays.copyOfRange(order, start, Math.min(order.length, start + batchSize));
                List<int[]> batch = new ArrayList<>(chunk.length);
                for (int i : chunk) {
                    batch.add(prompts.get(i));
                }
                try (NDManager scope = root.newSubManager()) {
                    double[][] scores = scoring == Scoring.SHARED_PROMPT
                            ? scoreSharedPrompt(batch, adapterOrNull, scope)
                            : scoreRowPerLabel(batch, adapterOrNull, scope);
                    for (int k = 0; k < chunk.length; k++) {
                        out[chunk[k]] = scores[k];
                    }
                }
            }
        }
        return Arrays.asList(out);
    }

    /** The classification of one row of {@link #logLikelihoods}. */
    public Classification classification(double[] logLikelihoods) {
        return toClassification(logLikelihoods);
    }

    private double[][] scoreRowPerLabel(List<int[]> prompts, LoraAdapter adapter, NDManager scope) {
        List<Example> rows = new ArrayList<>(prompts.size() * labels.size());
        for (int[] prompt : prompts) {
            for (int[] continuation : continuations) {
                rows.add(Example.of(tokenizer.bosId(), prompt, continuation, tokenizer.eosId(), Integer.MAX_VALUE));
            }
        }
        TrainBatch batch = Batching.pad(rows, tokenizer.padId(), LossOn.COMPLETION);
        Shape shape = new Shape(batch.batchSize(), batch.seqLength());
        NDArray ids = scope.create(batch.inputIds(), shape).toDevice(model.device(), false);
        NDArray mask = scope.create(batch.attentionMask(), shape).toDevice(model.device(), false);
        NDArray hidden = model.hiddenStates(ids, mask, adapter, false);
        TokenLoss.Targets targets = TokenLoss.of(batch);
        float[] logProbs = TokenLoss.logProbs(model.head(TokenLoss.selectRows(hidden, targets.positions(), scope)),
                targets.ids(), scope).toFloatArray();
        double[][] out = new double[prompts.size()][labels.size()];
        for (int i = 0; i < logProbs.length; i++) {
            int row = (int) (targets.positions()[i] / batch.seqLength());
            out[row / labels.size()][row % labels.size()] += logProbs[i];
        }
        return out;
    }

    /**
     * Row b: {@code [bos] + prompt} (length P, positions 0..P-1, causal), then the L label tokens in
     * slots P..P+L-1 (all at position P, each seeing the prompt and itself), then padding (position 0,
     * seeing itself). The lm_head runs on P-1 and the label slots only.
     */
    private double[][] scoreSharedPrompt(List<int[]> prompts, LoraAdapter adapter, NDManager scope) {
        int n = prompts.size();
        int l = labels.size();
        int longest = prompts.stream().mapToInt(p -> p.length).max().orElseThrow();
        int seq = 1 + longest + l;
        int[] ids = new int[n * seq];
        int[][] positions = new int[n][seq];
        boolean[][][] allowed = new boolean[n][seq][seq];
        long[] headRows = new long[n * (l + 1)]; // per text: the prompt's last token, then the L label slots
        long[] pickRows = new long[n * 2 * l];
        long[] pickIds = new long[n * 2 * l];
        for (int b = 0; b < n; b++) {
            int[] prompt = prompts.get(b);
            int p = 1 + prompt.length;
            ids[b * seq] = tokenizer.bosId();
            System.arraycopy(prompt, 0, ids, b * seq + 1, prompt.length);
            for (int t = 0; t < p; t++) {
                positions[b][t] = t;
                Arrays.fill(allowed[b][t], 0, t + 1, true);
            }
            headRows[b * (l + 1)] = (long) b * seq + p - 1;
            for (int j = 0; j < l; j++) {
                int slot = p + j;
                ids[b * seq + slot] = continuations[j][0];
                positions[b][slot] = p;
                Arrays.fill(allowed[b][slot], 0, p, true);
                allowed[b][slot][slot] = true;
                headRows[b * (l + 1) + 1 + j] = (long) b * seq + slot;
                int pick = (b * l + j) * 2;
                pickRows[pick] = b * (l + 1);               // p(label_j | prompt)
                pickIds[pick] = continuations[j][0];
                pickRows[pick + 1] = b * (l + 1) + 1 + j;   // p(eos | prompt, label_j)
                pickIds[pick + 1] = tokenizer.eosId();
            }
            for (int t = p + l; t < seq; t++) {
                ids[b * seq + t] = tokenizer.padId();
                allowed[b][t][t] = true;
            }
        }
        NDArray idArray = scope.create(ids, new Shape(n, seq)).toDevice(model.device(), false);
        NDArray hidden = model.hiddenStates(idArray,
                model.newPassWithLayout(idArray, new AttentionLayout(positions, allowed), false), adapter);
        NDArray logits = model.head(TokenLoss.selectRows(hidden, headRows, scope));
        float[] logProbs = TokenLoss.logProbs(logits, pickRows, pickIds, scope).toFloatArray();
        double[][] out = new double[n][l];
        for (int b = 0; b < n; b++) {
            for (int j = 0; j < l; j++) {
                int pick = (b * l + j) * 2;
                out[b][j] = (double) logProbs[pick] + logProbs[pick + 1];
            }
        }
        return out;
    }

    private Classification toClassification(double[] logLikelihoods) {
        double max = Arrays.stream(logLikelihoods).max().orElseThrow();
        double[] p = new double[logLikelihoods.length];
        double z = 0;
        for (int j = 0; j < p.length; j++) {
            p[j] = Math.exp(logLikelihoods[j] - max);
            z += p[j];
        }
        Map<String, Double> probs = new LinkedHashMap<>();
        int best = 0;
        for (int j = 0; j < p.length; j++) {
            probs.put(labels.get(j), p[j] / z);
            if (logLikelihoods[j] > logLikelihoods[best]) {
                best = j;
            }
        }
        return new Classification(labels.get(best), probs);
    }
}
