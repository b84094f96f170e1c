package io.lorastream.llm;

/**
 * The DJL settings every lorastream entry point needs before the first DJL class loads: no model-zoo
 * downloads and no start-up "call home" ({@code ai.djl.offline}, {@code OPT_OUT_TRACKING}), CPU
 * tokenizers even on GPU machines ({@code RUST_FLAVOR=cpu}, else DJL downloads a CUDA build), and one
 * intra-op thread (spin-waiting OpenMP threads collapse throughput on small shared boxes). Values
 * already set (system property or environment) win. See shared/notes/djl-pitfalls.md §2.
 */
public final class DjlFlags {
    private DjlFlags() {}

    /** Sets the flags that are not set yet; idempotent and cheap, call it first in every {@code main}. */
    public static void apply() {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        setIfAbsent("RUST_FLAVOR", "cpu");
        setIfAbsent("ai.djl.pytorch.num_threads", "1");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null && System.getenv(key) == null) {
            System.setProperty(key, value);
        }
    }
}
