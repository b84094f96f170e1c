package io.lorastream.llm;

import ai.djl.pytorch.jni.JniUtils;

/** torch.no_grad() for evaluation and inference: no graph is built, and the previous mode comes back on close. */
final class NoGradScope implements AutoCloseable {
    private final boolean previous;

    private NoGradScope() {
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
    }

    static NoGradScope enter() {
        return new NoGradScope();
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
