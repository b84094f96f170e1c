package io.lorastream.inference;

import io.lorastream.llm.DjlFlags;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/** Entry point for {@code java -jar} and dev mode: DJL's flags must be set before any DJL class loads. */
@QuarkusMain
public class InferenceMain {
    public static void main(String... args) {
        DjlFlags.apply();
        Quarkus.run(args);
    }
}
