package io.lorastream.llm;

import ai.djl.ndarray.NDArray;

/** The frozen base weight of a projection, {@code [out, in]} in the compute type: dense or NF4. */
interface LinearWeight extends AutoCloseable {
    /** The weight for one pass; an NF4 weight decodes into the pass's manager unless it caches. */
    NDArray weight(ForwardPass pass);

    int outFeatures();

    int inFeatures();

    @Override
    void close();
}
