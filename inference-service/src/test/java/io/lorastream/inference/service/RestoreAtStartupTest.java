package io.lorastream.inference.service;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lorastream.contracts.ContractJson;
import io.lorastream.contracts.SentimentResult;
import io.lorastream.contracts.Topics;
import io.lorastream.contracts.Digests;
import io.lorastream.inference.support.Api;
import io.lorastream.inference.support.PeftFiles;
import io.lorastream.inference.support.TestPaths;
import io.lorastream.inference.support.TestKafka;
import io.lorastream.testing.SharedAssets;
import io.lorastream.testing.TestDatabases;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * A restart: the registry in PostgreSQL says which adapter was active, which came before it, and which was
 * still being verified. The service must come back serving the same adapter, with the previous one in
 * memory for rollback, and finish the interrupted verification.
 */
@QuarkusTest
@TestProfile(RestoreAtStartupTest.Restart.class)
class RestoreAtStartupTest {
    static final String ID = "restored";

    /** Keeps the seeded registry (no clean at start) and declines new adapters (manual), so the state stays put. */
    public static class Restart implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.flyway.clean-at-start", "false", "lorastream.inference.adapters.policy", "manual");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(SeededRegistry.class));
        }
    }

    /** Before the app starts: an empty schema, Flyway's migrations, and the rows a previous run left behind. */
    public static class SeededRegistry implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            String url = TestDatabases.jdbcUrl("lorastream_inference");
            try (Connection c = DriverManager.getConnection(url, TestDatabases.username(), TestDatabases.password())) {
                try (Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA public CASCADE");
                    s.execute("CREATE SCHEMA public");
                }
                Flyway.configure().dataSource(url, TestDatabases.username(), TestDatabases.password())
                        .locations("classpath:db/migration").load().migrate();
                Instant now = Instant.now();
                insert(c, 1, "LOADED", adapter(1), now.minusSeconds(120));
                insert(c, 2, "ACTIVE", adapter(2), now.minusSeconds(60));
                insert(c, 3, "LOADING", adapter(3), null); // interrupted mid-verification
            } catch (Exception e) {
                throw new IllegalStateException("cannot seed the registry", e);
            }
            return Map.of();
        }

        /** Written without the engine: this runs before the application and outside its class loader. */
        private static Path adapter(int version) {
            Path dir = TestPaths.ADAPTERS.resolve(ID + "-" + version);
            return PeftFiles.write(dir, SharedAssets.stories260K(), 100 + version);
        }

        private static void insert(Connection c, int version, String status, Path dir, Instant activatedAt)
                throws Exception {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO adapter (adapter_id, version, status, source, "
                    + "base_model_sha256, uri, sha256, local_path, macro_recall, registered_at, activated_at) "
                    + "VALUES (?, ?, ?, 'CHECKPOINT', ?, ?, ?, ?, 0.5, now(), ?)")) {
                p.setString(1, ID);
                p.setInt(2, version);
                p.setString(3, status);
                p.setString(4, Digests.modelSha256(SharedAssets.stories260K()));
                p.setString(5, dir.toUri().toString());
                p.setString(6, Digests.adapterSha256(dir));
                p.setString(7, status.equals("LOADING") ? null : dir.toString());
                p.setTimestamp(8, activatedAt == null ? null : Timestamp.from(activatedAt));
                p.executeUpdate();
            }
        }

        @Override
        public void stop() {}
    }

    @Test
    void comesBackServingTheActiveAdapterWithItsPredecessorInMemory() throws Exception {
        Api.awaitReady();
        assertEquals(ID + "@2", Api.active());
        List<String> loaded = Api.registry().getList("loaded");
        assertTrue(loaded.containsAll(List.of(ID + "@1", ID + "@2")), loaded.toString());
        assertEquals("LOADED", Api.status(ID + "@1"));
        Map<String, Object> resumed = Api.awaitStatus(ID + "@3", "STANDBY");
        assertTrue(((String) resumed.get("reason")).startsWith("policy manual"), resumed.toString());

        String prefix = "restored-" + java.util.UUID.randomUUID() + "-";
        try (TestKafka.Reader results = TestKafka.Reader.keysStartingWith(Topics.SENTIMENTS, prefix)) {
            TestKafka.send(Topics.TWEETS, prefix + "1", "back after a restart");
            await().atMost(Duration.ofSeconds(60)).until(() -> results.size() == 1);
            assertEquals(ID + "@2", ContractJson.read(results.records().get(0).value(), SentimentResult.class).adapter());
        }
        given().post("/adapters/rollback").then().statusCode(200).body("active", equalTo(ID + "@1"));
    }
}
