package io.lorastream.inference.service;

import io.lorastream.inference.messaging.TopicSetup;
import io.lorastream.inference.messaging.TweetStream;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Start order: the HTTP server and health endpoints come up at once (readiness DOWN), then on a
 * background thread the base model loads, the registry's active adapter comes back, and only then does
 * the tweet loop join its consumer group. Stop order is the reverse: the loop finishes its batch and
 * commits before adapters and the model are freed.
 */
@ApplicationScoped
public class InferenceLifecycle {
    private static final Logger LOG = Logger.getLogger(InferenceLifecycle.class);

    private final ModelService model;
    private final AdapterManager adapters;
    private final TweetStream stream;
    private final TopicSetup topics;
    private volatile boolean ready;
    private volatile Thread starter;

    public InferenceLifecycle(ModelService model, AdapterManager adapters, TweetStream stream, TopicSetup topics) {
        this.model = model;
        this.adapters = adapters;
        this.stream = stream;
        this.topics = topics;
    }

    void onStart(@Observes StartupEvent event) {
        starter = new Thread(this::startUp, "inference-startup");
        starter.setDaemon(true);
        starter.start();
    }

    private void startUp() {
        try {
            topics.ensureTopics();
            model.load();
            adapters.restore();
            stream.start();
            ready = true;
            LOG.info("inference-service ready: model loaded, registry restored, tweet stream started");
        } catch (RuntimeException e) {
            LOG.error("inference-service did not become ready", e);
        }
    }

    /** Model loaded and registry restored: what the readiness check reports. */
    public boolean isReady() {
        return ready;
    }

    void onStop(@Observes ShutdownEvent event) {
        ready = false;
        stream.stop();
        Thread t = starter;
        if (t != null) {
            t.interrupt();
        }
    }
}
