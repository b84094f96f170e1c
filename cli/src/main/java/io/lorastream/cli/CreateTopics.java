package io.lorastream.cli;

import io.lorastream.contracts.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * {@code CreateTopics <bootstrap>}: creates every lorastream topic and its dead-letter twin with the
 * default partition counts, leaving existing ones alone.
 */
public final class CreateTopics {
    private CreateTopics() {}

    public static void main(String[] args) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]))) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (String t : Topics.ALL) {
                for (String name : List.of(t, Topics.dlq(t))) {
                    if (!existing.contains(name)) {
                        missing.add(new NewTopic(name, Topics.defaultPartitions(t), (short) 1));
                    }
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
                System.out.println("[lorastream] created " + missing.size() + " topics");
            }
        }
    }
}
