package io.lorastream.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Quarkus test resource for real PostgreSQL. Uses {@code QUARKUS_DATASOURCE_JDBC_URL} (+ username,
 * password) when set; otherwise the machine's own server at 127.0.0.1:5432 with the database named by
 * init arg {@code database} (created when missing). When neither answers, it configures nothing, so
 * Quarkus Dev Services start a PostgreSQL container where Docker exists.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {
    private String database = "lorastream_test";

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", database);
    }

    @Override
    public Map<String, String> start() {
        String url;
        try {
            url = TestDatabases.jdbcUrl(database);
        } catch (IllegalStateException unreachable) {
            if (DockerCheck.available()) {
                return Map.of(); // Dev Services take over
            }
            throw unreachable;
        }
        return Map.of(
                "quarkus.datasource.jdbc.url", url,
                "quarkus.datasource.username", TestDatabases.username(),
                "quarkus.datasource.password", TestDatabases.password(),
                "quarkus.datasource.devservices.enabled", "false");
    }

    @Override
    public void stop() {}
}
