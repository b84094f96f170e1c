package io.lorastream.inference.rest;

import io.lorastream.contracts.PromptTemplate;
import io.lorastream.inference.config.InferenceConfig;
import io.lorastream.inference.domain.AdapterRef;
import io.lorastream.inference.service.AdapterLease;
import io.lorastream.inference.service.AdapterManager;
import io.lorastream.inference.service.AdapterRegistry;
import io.lorastream.inference.service.AdapterStateException;
import io.lorastream.inference.service.InferenceLifecycle;
import io.lorastream.inference.service.InferenceMetrics;
import io.lorastream.inference.service.ModelService;
import io.lorastream.inference.service.ServiceNotReadyException;
import io.lorastream.inference.service.UnknownAdapterException;
import io.lorastream.llm.Classification;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Classifies tweets on request, with the active adapter or a pinned one. */
@Path("/classify")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class ClassifyResource {
    private final ModelService model;
    private final AdapterManager adapters;
    private final AdapterRegistry registry;
    private final InferenceLifecycle lifecycle;
    private final InferenceMetrics metrics;
    private final InferenceConfig config;

    public ClassifyResource(ModelService model, AdapterManager adapters, AdapterRegistry registry,
            InferenceLifecycle lifecycle, InferenceMetrics metrics, InferenceConfig config) {
        this.model = model;
        this.adapters = adapters;
        this.registry = registry;
        this.lifecycle = lifecycle;
        this.metrics = metrics;
        this.config = config;
    }

    @POST
    @Operation(summary = "Classify one tweet ({\"text\"}) or a batch ({\"texts\"}), optionally with a pinned adapter")
    public ClassifyResponse classify(ClassifyRequest request) {
        long t0 = System.nanoTime();
        if (request == null) {
            throw new BadRequestProblem("Missing body", "send {\"text\": \"...\"} or {\"texts\": [\"...\"]}");
        }
        boolean single = request.text() != null;
        if (single == (request.texts() != null)) {
            throw new BadRequestProblem("Invalid request", "give exactly one of 'text' or 'texts'");
        }
        List<String> raw = single ? List.of(request.text()) : request.texts();
        if (raw.isEmpty()) {
            throw new BadRequestProblem("Invalid request", "'texts' is empty");
        }
        if (raw.size() > config.rest().maxBatch()) {
            throw new BadRequestProblem("Batch too large", raw.size() + " texts, the limit is " + config.rest().maxBatch());
        }
        List<String> texts = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            texts.add(validText(raw.get(i), single ? "text" : "texts[" + i + "]"));
        }
        if (!lifecycle.isReady()) {
            throw new ServiceNotReadyException("the base model is still loading");
        }
        try (AdapterLease lease = lease(request.adapter())) {
            List<Classification> out = classify(texts, lease);
            List<Prediction> predictions = out.stream().map(c -> new Prediction(c.label(), c.probabilities())).toList();
            long elapsed = System.nanoTime() - t0;
            metrics.restRequest(texts.size(), elapsed);
            String adapter = lease.ref().toString();
            return single ? ClassifyResponse.single(adapter, elapsed / 1e6, predictions.get(0))
                    : ClassifyResponse.batch(adapter, elapsed / 1e6, predictions);
        }
    }

    private String validText(String text, String field) {
        if (text == null) {
            throw new BadRequestProblem("Invalid request", field + " is null");
        }
        String t = PromptTemplate.normalizeTweet(text);
        if (t.isEmpty()) {
            throw new BadRequestProblem("Empty text", field + " is empty");
        }
        int chars = t.codePointCount(0, t.length());
        if (chars > config.stream().maxChars()) {
            throw new BadRequestProblem("Text too long", field + " has " + chars + " characters, the limit is "
                    + config.stream().maxChars());
        }
        return t;
    }

    private AdapterLease lease(String pin) {
        if (pin == null || pin.isBlank()) {
            return adapters.leaseActive();
        }
        AdapterRef ref;
        try {
            ref = AdapterRef.parse(pin);
        } catch (IllegalArgumentException e) {
            throw new BadRequestProblem("Invalid adapter", e.getMessage());
        }
        return adapters.lease(ref).orElseThrow(() -> {
            var info = registry.find(ref).orElseThrow(() -> new UnknownAdapterException(ref));
            return new AdapterStateException("adapter " + ref + " is not in memory (status " + info.status()
                    + "); activate it first, or pin one of " + adapters.loadedRefs());
        });
    }

    private List<Classification> classify(List<String> texts, AdapterLease lease) {
        try {
            return model.classify(texts, lease.adapter());
        } catch (IllegalArgumentException e) { // e.g. longer than the model's context
            throw new BadRequestProblem("Cannot classify", e.getMessage());
        }
    }
}
