package io.lorastream.inference.messaging;

import io.lorastream.contracts.Topics;
import io.lorastream.inference.config.InferenceConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.jboss.logging.Logger;

/**
 * Creates the topics this service reads and writes when they are missing, with the partition counts of
 * decisions.md (tweets and sentiments: {@code stream.partitions}, the rest 1) and the broker's default
 * replication. Existing topics are left
 * as they are; in production the platform (deploy/) usually owns them.
 */
@ApplicationScoped
public class TopicSetup {
    private static final Logger LOG = Logger.getLogger(TopicSetup.class);

    private final KafkaClients kafka;
    private final InferenceConfig.Stream config;

    public TopicSetup(KafkaClients kafka, InferenceConfig config) {
        this.kafka = kafka;
        this.config = config.stream();
    }

    public void ensureTopics() {
        if (!config.createTopics()) {
            return;
        }
        try (Admin admin = kafka.admin()) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : List.of(config.tweetsTopic(), config.resultsTopic(), Topics.dlq(config.tweetsTopic()),
                    Topics.CHECKPOINTS, Topics.dlq(Topics.CHECKPOINTS))) {
                if (!existing.contains(topic)) {
                    boolean stream = topic.equals(config.tweetsTopic()) || topic.equals(config.resultsTopic());
                    missing.add(new NewTopic(topic, Optional.of(stream ? config.partitions() : 1), Optional.empty()));
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).values().forEach((name, f) -> {
                    try {
                        f.get(30, TimeUnit.SECONDS);
                        LOG.infof("created topic %s", name);
                    } catch (Exception e) {
                        LOG.debugf("topic %s not created (%s)", name, e.getMessage()); // created concurrently
                    }
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warnf("cannot check or create topics (%s); relying on broker auto-creation", e.getMessage());
        }
    }
}
