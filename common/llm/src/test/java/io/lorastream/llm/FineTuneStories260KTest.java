package io.lorastream.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.lorastream.contracts.HyperParameters;
import io.lorastream.contracts.PromptRecord;
import io.lorastream.contracts.SentimentLabel;
import io.lorastream.contracts.Split;
import io.lorastream.testing.SharedAssets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end check: QLoRA fine-tuning of stories260K (NF4 on load) on 200 TweetEval
 * prompts for 30 steps on CPU, reference hyper-parameters otherwise, lowers the validation loss.
 */
class FineTuneStories260KTest {

    @Test
    void thirtyStepsOnTweetEvalLowerTheValidationLoss() {
        DjlFlags.apply();
        HyperParameters hp = HyperParameters.defaults().with(Map.of("maxSteps", 30));
        try (LlamaModel model = LlamaModel.load(SharedAssets.stories260K(), LoadOptions.defaults().withDevice(Device.cpu()))) {
            int maxSeq = Example.maxSeqLength(hp, model); // 2048 capped at stories260K's 512
            List<Example> train = examples(model, TweetEvalSample.first(Split.TRAIN, 200), maxSeq);
            List<PromptRecord> valRecords = TweetEvalSample.first(Split.VALIDATION, 60);
            List<Example> val = examples(model, valRecords, maxSeq);
            try (LoraAdapter adapter = LoraAdapter.init(model, LoraConfig.from(hp), hp.seed());
                    LoraTrainer trainer = new LoraTrainer(model, adapter, hp, train)) {
                double before = Evaluation.loss(model, adapter, val, 16, hp.lossOn());
                List<TrainStepResult> steps = trainer.train();
                double after = Evaluation.loss(model, adapter, val, 16, hp.lossOn());

                assertEquals(30, steps.size());
                assertTrue(steps.stream().noneMatch(TrainStepResult::skipped));
                System.out.printf("stories260K QLoRA, 200 TweetEval prompts, 30 steps (loss on %s): validation loss "
                        + "%.4f -> %.4f; train loss step 1 %.4f, step 30 %.4f; %.0f tokens/s%n", hp.lossOn().wireName(),
                        before, after, steps.get(0).loss(), steps.get(29).loss(),
                        steps.stream().mapToDouble(TrainStepResult::tokensPerSecond).average().orElse(0));
                assertTrue(after < before, "validation loss " + before + " -> " + after);

                SentimentClassifier clf = new SentimentClassifier(model, SentimentLabel.texts());
                List<Classification> predictions = clf.classify(valRecords.stream().map(PromptRecord::input).toList(), adapter);
                ClassificationMetrics m = ClassificationMetrics.of(valRecords.stream().map(PromptRecord::label).toList(),
                        predictions.stream().map(Classification::label).toList(), SentimentLabel.texts());
                System.out.println("classification of 60 validation tweets after fine-tuning: " + m);
                assertEquals(60, m.count());
                for (Classification c : predictions) {
                    assertEquals(1.0, c.probabilities().values().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
                    assertFalse(c.probabilities().values().stream().anyMatch(p -> p.isNaN()));
                }
            }
        }
    }

    static List<Example> examples(LlamaModel model, List<PromptRecord> records, int maxSeq) {
        List<Example> out = new ArrayList<>();
        for (PromptRecord r : records) {
            out.add(Example.forTraining(model.tokenizer(), r, maxSeq));
        }
        return out;
    }
}
