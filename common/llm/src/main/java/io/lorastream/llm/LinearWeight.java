package io.lorastream.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** The frozen base weight of a projection, {@code [out, in]} in the compute type: dense or NF4. */
interface LinearWeight extends AutoCloseable {
    /**
     * The weight for one matmul. When {@link #isTransient()} it was just decoded into {@code m} and the
     * caller closes it right after use (autograd keeps its own reference when backward needs it).
     */
    NDArray weight(NDManager m);

    /** True when {@link #weight} returns a fresh array per call (NF4 without the decoded cache). */
    boolean isTransient();

    int outFeatures();

    int inFeatures();

    @Override
    void close();
}
