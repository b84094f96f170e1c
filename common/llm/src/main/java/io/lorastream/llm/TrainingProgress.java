package io.lorastream.llm;

/** Called after every optimizer step (from the training thread): the trainer service publishes from it. */
@FunctionalInterface
public interface TrainingProgress {
    void onStep(TrainStepResult result);
}
