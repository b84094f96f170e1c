package io.lorastream.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;

/** Greedy decoding (argmax at every step, like llama2.c's {@code run -t 0}). */
public final class Generator {
    private Generator() {}

    /**
     * Up to {@code maxNew} tokens after {@code prompt} (which should start with BOS), the new tokens
     * only. Each step re-runs the whole sequence (no KV cache): fine for the short outputs this
     * product needs. Ties go to the lowest id, as torch's argmax.
     */
    public static int[] greedy(LlamaModel model, LoraAdapter adapter, int[] prompt, int maxNew, boolean stopAtEos) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("prompt must hold at least one token (BOS)");
        }
        int[] seq = Arrays.copyOf(prompt, prompt.length + maxNew);
        int len = prompt.length;
        int eos = stopAtEos ? model.tokenizer().eosId() : -1;
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false); // no graph: inference only
        try {
            while (len < seq.length && len < model.maxSeqLength()) {
                int next;
                try (NDManager step = NDManager.newBaseManager(model.device())) {
                    NDArray ids = step.create(Arrays.copyOf(seq, len)).reshape(1, len);
                    NDArray logits = model.forward(ids, null, adapter);
                    next = argmax(logits.get(0, len - 1).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray());
                }
                seq[len++] = next;
                if (next == eos) {
                    break;
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        return Arrays.copyOfRange(seq, prompt.length, len);
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
