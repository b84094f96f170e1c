package io.lorastream.hub;

import io.lorastream.contracts.CheckpointMetrics;
import io.lorastream.contracts.HyperParameters;
import io.lorastream.contracts.PromptTemplate;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Renders the {@code README.md} of a published adapter: the Hub's YAML front matter (base_model,
 * library_name, license, tags, datasets, metrics, pipeline_tag, model-index), then the run, the dataset sizes,
 * the hyper-parameters, the validation results with the confusion matrix, the loss curve, the prompt template,
 * how to load the adapter in PEFT and in lorastream, and the "Built with Llama" attribution that the Llama 3.1
 * Community License asks of derivatives of Llama 3.1.
 */
public final class ModelCard {
    public static final List<String> TAGS = List.of("lora", "peft", "lorastream", "text-classification", "sentiment");
    public static final String DATASET = "tweet_eval";
    /** The adapter is used through generation of the label by a causal LM. */
    public static final String PIPELINE_TAG = "text-generation";
    public static final String LLAMA_ATTRIBUTION = "Built with Llama";

    private static final Pattern HUB_ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*/[A-Za-z0-9_][A-Za-z0-9_.-]*");
    private static final Pattern LLAMA_31 = Pattern.compile("(?i).*llama[-_ ]?3\\.1.*");
    private static final Pattern PLAIN_YAML = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_./-]*");

    private ModelCard() {}

    /** The license id for the front matter: the configured one, else llama3.1 for Llama 3.1 bases, else other. */
    public static String license(ModelCardData d) {
        if (d.license() != null && !d.license().isBlank()) {
            return d.license().strip();
        }
        return LLAMA_31.matcher(d.baseModelId()).matches() ? "llama3.1" : "other";
    }

    /** Whether the base is a Llama model, whose license requires the attribution. */
    public static boolean llamaBase(ModelCardData d) {
        return license(d).toLowerCase(Locale.ROOT).startsWith("llama")
                || d.baseModelId().toLowerCase(Locale.ROOT).contains("llama-3");
    }

    /**
     * What the card's data may be missing to meet the base model's license, for the publisher to log or refuse.
     * The Llama 3.1 license asks that a model trained from Llama 3.1 and distributed has a name that begins
     * with "Llama".
     */
    public static List<String> licenseProblems(ModelCardData d) {
        List<String> problems = new java.util.ArrayList<>();
        if (llamaBase(d) && !d.repo().name().toLowerCase(Locale.ROOT).startsWith("llama")) {
            problems.add("the Llama 3.1 Community License asks that the name of a model fine-tuned from Llama 3.1 "
                    + "begin with \"Llama\"; repository name is '" + d.repo().name() + "'");
        }
        return problems;
    }

    public static String render(ModelCardData d) {
        StringBuilder sb = new StringBuilder();
        frontMatter(sb, d);
        String name = d.repo().name();
        sb.append("# ").append(name).append("\n\n");
        sb.append("A LoRA adapter for `").append(d.baseModelId()).append("` that classifies the sentiment of a tweet as ")
                .append(String.join(", ", d.labels())).append(" (TweetEval sentiment). It was fine-tuned with ")
                .append("lorastream: 4-bit (NF4) QLoRA training in Java ")
                .append("on DJL PyTorch, fed by a Kafka stream of labelled tweets.\n\n");
        if (llamaBase(d)) {
            sb.append("**").append(LLAMA_ATTRIBUTION).append("**: this adapter is a derivative of Meta Llama 3.1, ")
                    .append("licensed under the [Llama 3.1 Community License]")
                    .append("(https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/LICENSE), ")
                    .append("Copyright © Meta Platforms, Inc. All Rights Reserved. Use of it must follow Meta's ")
                    .append("[Acceptable Use Policy](https://llama.meta.com/llama3_1/use-policy).\n\n");
        }
        run(sb, d);
        dataset(sb, d);
        hyperParameters(sb, d.hyperParameters());
        results(sb, d);
        lossCurve(sb, d);
        prompt(sb, d);
        usage(sb, d);
        return sb.toString();
    }

    // ---------------------------------------------------------------- front matter

    private static void frontMatter(StringBuilder sb, ModelCardData d) {
        sb.append("---\n");
        if (HUB_ID.matcher(d.baseModelId()).matches()) {
            sb.append("base_model: ").append(yaml(d.baseModelId())).append('\n');
        }
        sb.append("library_name: peft\n");
        sb.append("license: ").append(yaml(license(d))).append('\n');
        sb.append("language:\n- en\n");
        list(sb, "tags", TAGS);
        list(sb, "datasets", List.of(DATASET));
        list(sb, "metrics", List.of("accuracy", "recall", "f1"));
        sb.append("pipeline_tag: ").append(PIPELINE_TAG).append('\n');
        CheckpointMetrics m = d.metrics();
        if (m.accuracy() != null || m.macroRecall() != null || m.macroF1() != null) {
            sb.append("model-index:\n");
            sb.append("- name: ").append(yaml(d.repo().name())).append('\n');
            sb.append("  results:\n");
            sb.append("  - task:\n");
            sb.append("      type: text-classification\n");
            sb.append("      name: Sentiment classification\n");
            sb.append("    dataset:\n");
            sb.append("      name: TweetEval (sentiment)\n");
            sb.append("      type: ").append(DATASET).append('\n');
            sb.append("      config: sentiment\n");
            sb.append("      split: validation\n");
            sb.append("    metrics:\n");
            metric(sb, "accuracy", m.accuracy(), "Accuracy", false);
            metric(sb, "recall", m.macroRecall(), "Macro recall", true);
            metric(sb, "f1", m.macroF1(), "Macro F1", true);
        }
        sb.append("---\n\n");
    }

    private static void metric(StringBuilder sb, String type, Double value, String name, boolean macro) {
        if (value == null) {
            return;
        }
        sb.append("    - type: ").append(type).append('\n');
        sb.append("      value: ").append(fmt(value)).append('\n');
        sb.append("      name: ").append(name).append('\n');
        if (macro) {
            sb.append("      args:\n        average: macro\n");
        }
    }

    private static void list(StringBuilder sb, String key, List<String> values) {
        sb.append(key).append(":\n");
        values.forEach(v -> sb.append("- ").append(yaml(v)).append('\n'));
    }

    /** A YAML scalar: plain when safe, else double-quoted. */
    static String yaml(String s) {
        if (PLAIN_YAML.matcher(s).matches() && !s.equalsIgnoreCase("true") && !s.equalsIgnoreCase("false")
                && !s.equalsIgnoreCase("null") && !s.equalsIgnoreCase("yes") && !s.equalsIgnoreCase("no")) {
            return s;
        }
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    // ---------------------------------------------------------------- body

    private static void run(StringBuilder sb, ModelCardData d) {
        sb.append("## Training run\n\n| | |\n|---|---|\n");
        row(sb, "Base model", "`" + d.baseModelId() + "`");
        if (d.baseModelSha256() != null) {
            row(sb, "Base model sha256 (lorastream digest)", "`" + d.baseModelSha256() + "`");
        }
        if (d.runId() != null) {
            row(sb, "Run", "`" + d.runId() + "`");
        }
        if (d.adapterId() != null) {
            row(sb, "Adapter", "`" + d.adapterId() + "`" + (d.adapterVersion() == null ? "" : " version " + d.adapterVersion()));
        }
        if (d.step() != null) {
            row(sb, "Checkpoint step", Integer.toString(d.step()));
        }
        if (d.adapterSha256() != null) {
            row(sb, "Adapter sha256 (lorastream digest)", "`" + d.adapterSha256() + "`");
        }
        if (d.createdAt() != null) {
            row(sb, "Created", d.createdAt().toString());
        }
        sb.append('\n');
    }

    private static void dataset(StringBuilder sb, ModelCardData d) {
        sb.append("## Dataset\n\n");
        sb.append("[TweetEval](https://huggingface.co/datasets/cardiffnlp/tweet_eval), `sentiment` subset: tweets ")
                .append("labelled negative (0), neutral (1) or positive (2).\n\n");
        sb.append("| | |\n|---|---|\n");
        if (d.datasetId() != null) {
            row(sb, "lorastream dataset", "`" + d.datasetId() + "`");
        }
        if (d.datasetSha256() != null) {
            row(sb, "Dataset sha256", "`" + d.datasetSha256() + "`");
        }
        row(sb, "Training examples", d.trainExamples() == null ? "n/a" : String.format(Locale.ROOT, "%,d", d.trainExamples()));
        row(sb, "Validation examples", d.validationExamples() == null ? "n/a"
                : String.format(Locale.ROOT, "%,d", d.validationExamples()));
        sb.append('\n');
    }

    private static void hyperParameters(StringBuilder sb, HyperParameters h) {
        sb.append("## Hyper-parameters\n\n| parameter | value |\n|---|---|\n");
        row(sb, "LoRA r", Integer.toString(h.loraR()));
        row(sb, "LoRA alpha", num(h.loraAlpha()));
        row(sb, "LoRA dropout", num(h.loraDropout()));
        row(sb, "Target modules", String.join(", ", h.targetModules()));
        row(sb, "Micro-batch size", Integer.toString(h.microBatchSize()));
        row(sb, "Gradient accumulation steps", h.gradientAccumulationSteps() + " (effective batch "
                + h.effectiveBatchSize() + ")");
        row(sb, "Max steps", Integer.toString(h.maxSteps()));
        row(sb, "Learning rate", num(h.learningRate()));
        row(sb, "Schedule", h.lrSchedule().wireName() + ", " + h.warmupSteps() + " warmup steps");
        row(sb, "Optimizer", "AdamW (beta1 " + num(h.adamBeta1()) + ", beta2 " + num(h.adamBeta2()) + ", eps "
                + num(h.adamEpsilon()) + ", weight decay " + num(h.weightDecay()) + ")");
        row(sb, "Max grad norm", num(h.maxGradNorm()));
        row(sb, "Max sequence length", Integer.toString(h.maxSeqLength()));
        row(sb, "Seed", Long.toString(h.seed()));
        row(sb, "Loss on", h.lossOn().wireName() + (h.lossOn() == HyperParameters.LossOn.COMPLETION
                ? " (label + eos tokens)" : " (every token, as the reference run)"));
        row(sb, "Evaluation every", h.evalEverySteps() + " steps");
        row(sb, "Quantization", "base model weights in 4-bit NF4 (QLoRA); only the LoRA weights are trained");
        sb.append('\n');
    }

    private static void results(StringBuilder sb, ModelCardData d) {
        CheckpointMetrics m = d.metrics();
        sb.append("## Results on the validation split\n\n| metric | value |\n|---|---|\n");
        row(sb, "Validation loss", opt(m.validationLoss()));
        if (m.trainLoss() != null) {
            row(sb, "Training loss (last step)", opt(m.trainLoss()));
        }
        row(sb, "Accuracy", opt(m.accuracy()));
        row(sb, "Macro recall (TweetEval's metric)", opt(m.macroRecall()));
        if (m.macroF1() != null) {
            row(sb, "Macro F1", opt(m.macroF1()));
        }
        sb.append('\n');
        if (m.lossOn() != null) {
            sb.append("Losses are mean cross-entropy over ").append(m.lossOn().equals("all") ? "all tokens"
                    : "the completion tokens (label + eos)").append(".\n\n");
        }
        if (d.confusionMatrix() != null) {
            sb.append("### Confusion matrix\n\nRows: true label; columns: predicted label.\n\n");
            sb.append("| true \\ predicted |");
            d.labels().forEach(l -> sb.append(' ').append(l).append(" |"));
            sb.append("\n|---|");
            d.labels().forEach(l -> sb.append("---:|"));
            sb.append('\n');
            for (int i = 0; i < d.labels().size(); i++) {
                sb.append("| ").append(d.labels().get(i)).append(" |");
                d.confusionMatrix().get(i).forEach(c -> sb.append(' ').append(c).append(" |"));
                sb.append('\n');
            }
            sb.append('\n');
        }
    }

    private static void lossCurve(StringBuilder sb, ModelCardData d) {
        if (d.lossCurve().isEmpty()) {
            return;
        }
        sb.append("## Loss curve\n\n| step | train loss | validation loss |\n|---:|---:|---:|\n");
        for (ModelCardData.LossPoint p : d.lossCurve()) {
            sb.append("| ").append(p.step()).append(" | ").append(p.trainLoss() == null ? "" : fmt(p.trainLoss()))
                    .append(" | ").append(p.validationLoss() == null ? "" : fmt(p.validationLoss())).append(" |\n");
        }
        sb.append('\n');
    }

    private static void prompt(StringBuilder sb, ModelCardData d) {
        sb.append("## Prompt template\n\nTemplate `").append(PromptTemplate.ID).append("`; `{tweet}` is the tweet ")
                .append("with leading and trailing whitespace stripped:\n\n```text\n")
                .append(PromptTemplate.prompt("{tweet}"))
                .append("```\n\nThe model completes it with the label (`").append(String.join("`, `", d.labels()))
                .append("`) followed by the tokenizer's end-of-sequence token.\n\n");
    }

    private static void usage(StringBuilder sb, ModelCardData d) {
        String repo = d.repo().id();
        sb.append("## Usage\n\n### With PEFT\n\n```python\n");
        sb.append("from peft import PeftModel\n");
        sb.append("from transformers import AutoModelForCausalLM, AutoTokenizer\n\n");
        sb.append("base_id = \"").append(d.baseModelId()).append("\"\n");
        sb.append("tokenizer = AutoTokenizer.from_pretrained(base_id)\n");
        sb.append("model = AutoModelForCausalLM.from_pretrained(base_id, device_map=\"auto\")\n");
        sb.append("model = PeftModel.from_pretrained(model, \"").append(repo)
                .append("\")  # revision=\"<commit sha>\" to pin this version\n\n");
        sb.append("tweet = \"I love this phone, the battery lasts forever!\"\n");
        String template = PromptTemplate.prompt("{tweet}").replace("\\", "\\\\").replace("\"", "\\\"")
                .replace("\n", "\\n");
        sb.append("prompt = \"").append(template).append("\".format(tweet=tweet.strip())\n");
        sb.append("inputs = tokenizer(prompt, return_tensors=\"pt\").to(model.device)\n");
        sb.append("output = model.generate(**inputs, max_new_tokens=4, do_sample=False)\n");
        sb.append("print(tokenizer.decode(output[0, inputs[\"input_ids\"].shape[1]:], skip_special_tokens=True).strip())\n");
        sb.append("```\n\n");
        String uri = HfUri.SCHEME + repo + "@main";
        sb.append("### With lorastream\n\n");
        sb.append("The inference service pulls `hf://` adapters into its cache, checks their sha256 and that they were ")
                .append("trained on the base model it serves, then swaps them in. Register this one over REST:\n\n");
        sb.append("```bash\ncurl -X POST http://inference-service:8080/adapters \\\n")
                .append("  -H 'Content-Type: application/json' \\\n")
                .append("  -d '{\"adapterId\": \"").append(d.adapterId() == null ? d.repo().name() : d.adapterId())
                .append("\", \"version\": ").append(d.adapterVersion() == null ? 1 : d.adapterVersion())
                .append(", \"uri\": \"").append(uri).append("\"")
                .append(d.adapterSha256() == null ? "" : ", \"sha256\": \"" + d.adapterSha256() + "\"")
                .append("}'\n```\n\n");
        sb.append("or announce it on `lorastream.checkpoints` with a `CheckpointEvent` whose `adapterUri` is `")
                .append(uri).append("` (pin a commit with `@<commit sha>` instead of `@main`).\n");
    }

    // ---------------------------------------------------------------- formatting

    private static void row(StringBuilder sb, String key, String value) {
        sb.append("| ").append(key).append(" | ").append(value.replace("|", "\\|")).append(" |\n");
    }

    private static String opt(Double v) {
        return v == null ? "n/a" : fmt(v);
    }

    /** Four decimals: enough for losses and rates, stable across platforms. */
    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /** Hyper-parameters as written in a config: 2.0E-4 as 2e-4, 16.0 as 16. */
    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        String s = Double.toString(v);
        if (s.contains("E")) {
            String[] p = s.split("E");
            String mant = p[0].endsWith(".0") ? p[0].substring(0, p[0].length() - 2) : p[0];
            return mant + "e" + p[1];
        }
        return s;
    }
}
