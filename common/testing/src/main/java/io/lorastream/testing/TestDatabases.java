package io.lorastream.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Real PostgreSQL for tests. The server is the one given by {@code QUARKUS_DATASOURCE_JDBC_URL} /
 * {@code _USERNAME} / {@code _PASSWORD}, else the machine's own at 127.0.0.1:5432 (trust auth).
 * Each service gets its own database ({@code lorastream_ingest}, ...), created when missing.
 */
public final class TestDatabases {
    private TestDatabases() {}

    public static String username() {
        return env("QUARKUS_DATASOURCE_USERNAME", "postgres");
    }

    public static String password() {
        return env("QUARKUS_DATASOURCE_PASSWORD", "");
    }

    /** JDBC URL of {@code database} on the configured server, creating the database if it is missing. */
    public static String jdbcUrl(String database) {
        String given = System.getenv("QUARKUS_DATASOURCE_JDBC_URL");
        if (given != null && !given.isBlank()) {
            return given;
        }
        String server = env("LORASTREAM_TEST_PG", "jdbc:postgresql://127.0.0.1:5432/");
        try (Connection c = DriverManager.getConnection(server + "postgres", username(), password());
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
                if (!rs.next()) {
                    s.execute("CREATE DATABASE " + database);
                }
            }
        } catch (SQLException e) {
            if (!"42P04".equals(e.getSQLState())) { // duplicate_database: created concurrently
                throw new IllegalStateException("PostgreSQL is not reachable at " + server
                        + " (start it, or set QUARKUS_DATASOURCE_JDBC_URL): " + e.getMessage(), e);
            }
        }
        return server + database;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
