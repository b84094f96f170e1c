package io.lorastream.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Quarkus test resource for the real PostgreSQL of {@link TestDatabases}. Init arg {@code database}
 * names the service's database. Where no server answers and Docker exists, leave this resource off
 * and Quarkus Dev Services start a container instead.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {
    private String database = "lorastream_test";

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", database);
    }

    @Override
    public Map<String, String> start() {
        return Map.of(
                "quarkus.datasource.jdbc.url", TestDatabases.jdbcUrl(database),
                "quarkus.datasource.username", TestDatabases.username(),
                "quarkus.datasource.password", TestDatabases.password(),
                "quarkus.datasource.devservices.enabled", "false");
    }

    @Override
    public void stop() {}
}
