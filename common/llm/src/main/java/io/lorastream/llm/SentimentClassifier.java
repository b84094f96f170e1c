package io.lorastream.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.lorastream.contracts.HyperParameters.LossOn;
import io.lorastream.contracts.PromptTemplate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Classifies texts by scoring each label's whole continuation: {@code log p(tokens(label) + [eos] |
 * [bos] + prompt)} summed over its tokens, then a softmax over the labels. Scoring the eos too means
 * a label that is a prefix of a longer answer does not win by default, and multi-token labels compare
 * fairly. One batch row per (text, label); rows are right-padded. The adapter is chosen per call, so
 * one classifier serves several loaded adapters.
 */
public final class SentimentClassifier {
    /** Texts per forward batch (each contributes one row per label). */
    public static final int DEFAULT_BATCH_SIZE = 8;

    private final LlamaModel model;
    private final LlamaTokenizer tokenizer;
    private final List<String> labels;
    private final int[][] continuations;
    private final int promptBudget;
    private final int batchSize;

    public SentimentClassifier(LlamaModel model, List<String> labels) {
        this(model, labels, DEFAULT_BATCH_SIZE);
    }

    public SentimentClassifier(LlamaModel model, List<String> labels, int batchSize) {
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
        // every label sees the same (possibly truncated) prompt: bos + prompt + longest continuation fit
        this.promptBudget = model.maxSeqLength() - 1 - longest;
        if (promptBudget < 1) {
            throw new IllegalArgumentException("labels are too long for the model's " + model.maxSeqLength() + " positions");
        }
    }

    public List<String> labels() {
        return labels;
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
        List<double[]> out = new ArrayList<>(texts.size());
        try (NoGradScope noGrad = NoGradScope.enter(); NDManager root = NDManager.newBaseManager(model.device())) {
            for (int start = 0; start < texts.size(); start += batchSize) {
                List<String> chunk = texts.subList(start, Math.min(texts.size(), start + batchSize));
                try (NDManager scope = root.newSubManager()) {
                    out.addAll(score(chunk, adapterOrNull, scope));
                }
            }
        }
        return out;
    }

    /**
     * Like {@link #logLikelihoods} for prompts already tokenized (template applied, no bos): for
     * replaying another engine's exact token ids.
     */
    public List<double[]> logLikelihoodsOfPromptIds(List<int[]> promptIds, LoraAdapter adapterOrNull) {
        List<double[]> out = new ArrayList<>(promptIds.size());
        try (NoGradScope noGrad = NoGradScope.enter(); NDManager root = NDManager.newBaseManager(model.device())) {
            for (int start = 0; start < promptIds.size(); start += batchSize) {
                List<int[]> chunk = promptIds.subList(start, Math.min(promptIds.size(), start + batchSize));
                try (NDManager scope = root.newSubManager()) {
                    out.addAll(scoreIds(chunk, adapterOrNull, scope));
                }
            }
        }
        return out;
    }

    /** The classification of one row of {@link #logLikelihoods}. */
    public Classification classification(double[] logLikelihoods) {
        return toClassification(logLikelihoods);
    }

    private List<double[]> score(List<String> texts, LoraAdapter adapter, NDManager scope) {
        List<int[]> prompts = new ArrayList<>(texts.size());
        for (String text : texts) {
            prompts.add(tokenizer.encode(PromptTemplate.prompt(PromptTemplate.normalizeTweet(text))));
        }
        return scoreIds(prompts, adapter, scope);
    }

    private List<double[]> scoreIds(List<int[]> prompts, LoraAdapter adapter, NDManager scope) {
        List<Example> rows = new ArrayList<>(prompts.size() * labels.size());
        for (int[] full : prompts) {
            int[] prompt = full;
            if (prompt.length > promptBudget) {
                prompt = Arrays.copyOfRange(prompt, prompt.length - promptBudget, prompt.length); // keep the cue before the label
            }
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
        double[] perRow = new double[rows.size()];
        for (int i = 0; i < logProbs.length; i++) {
            perRow[(int) (targets.positions()[i] / batch.seqLength())] += logProbs[i];
        }
        List<double[]> out = new ArrayList<>(prompts.size());
        for (int t = 0; t < prompts.size(); t++) {
            out.add(Arrays.copyOfRange(perRow, t * labels.size(), (t + 1) * labels.size()));
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
