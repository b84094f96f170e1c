package io.lorastream.trainer;

import io.lorastream.llm.DjlFlags;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/** Entry point of {@code java -jar quarkus-run.jar} and dev mode: DJL's flags are set before any DJL class loads. */
@QuarkusMain
public class TrainerMain {
    public static void main(String... args) {
        DjlFlags.apply();
        Quarkus.run(args);
    }
}
