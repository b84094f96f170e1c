package io.lorastream.inference.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lorastream.inference.support.AdapterFileServer;
import io.lorastream.inference.support.Api;
import io.lorastream.inference.support.TestAdapters;
import io.lorastream.inference.support.TestKafka;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The registry API: register by URI, activate, roll back, keep K in memory, policies, problem bodies. */
@QuarkusTest
class AdapterResourceTest {
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @ConfigProperty(name = AdapterFileServer.URL_PROPERTY)
    String fileServer;

    @BeforeEach
    void ready() {
        Api.awaitReady();
        setPolicy("always");
    }

    private static void setPolicy(String policy) {
        given().contentType(ContentType.JSON).body(Map.of("policy", policy)).put("/adapters/policy")
                .then().statusCode(200).body("policy", equalTo(policy));
    }

    private static io.restassured.response.Response register(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).post("/adapters");
    }

    @Test
    void registersByFileUriVerifiesAndActivates() {
        String id = "file-" + run;
        Path dir = TestAdapters.create(id, 1);
        register(Map.of("uri", dir.toUri().toString(), "adapterId", id, "sha256", TestAdapters.sha256(dir),
                "baseModelSha256", TestAdapters.baseModelSha256(),
                "metrics", Map.of("macroRecall", 0.61, "accuracy", 0.64)))
                .then().statusCode(202)
                .header("Location", endsWith("/adapters/" + id + "/1"))
                .body("ref", equalTo(id + "@1"))
                .body("source", equalTo("API"));
        Map<String, Object> row = Api.awaitStatus(id + "@1", "ACTIVE");
        assertEquals(TestAdapters.sha256(dir), row.get("sha256"));
        assertEquals(0.61, ((Number) ((Map<?, ?>) row.get("metrics")).get("macroRecall")).doubleValue(), 1e-6);
        assertNotNull(row.get("activatedAt"));
        assertNotNull(row.get("loadMs"));
        given().get("/adapters/" + id + "/1").then().statusCode(200).body("status", equalTo("ACTIVE"));
        given().get("/adapters").then().body("active", equalTo(id + "@1")).body("loaded", hasItem(id + "@1"))
                .body("baseModelSha256", equalTo(TestAdapters.baseModelSha256()));
        // same id@version again: conflict; next registration without a version gets version 2
        register(Map.of("uri", dir.toUri().toString(), "adapterId", id, "version", 1)).then().statusCode(409)
                .contentType(Problem.MEDIA_TYPE);
        register(Map.of("uri", dir.toUri().toString(), "adapterId", id)).then().statusCode(202)
                .body("ref", equalTo(id + "@2"));
        Map<String, Object> v2 = Api.awaitStatus(id + "@2", "ACTIVE");
        assertEquals(TestAdapters.sha256(dir), v2.get("sha256"), "no declared digest: the fetched one is recorded");
    }

    @Test
    void registersOverHttpTrainerStyle() {
        String id = "http-" + run;
        Path dir = TestAdapters.create(id, 2);
        register(Map.of("uri", fileServer + "/adapters/" + id, "adapterId", id, "version", 3,
                "sha256", TestAdapters.sha256(dir), "baseModelSha256", TestAdapters.baseModelSha256()))
                .then().statusCode(202);
        Api.awaitStatus(id + "@3", "ACTIVE");

        register(Map.of("uri", fileServer + "/adapters/nothing-" + run, "adapterId", "gone-" + run)).then().statusCode(202);
        Map<String, Object> gone = Api.awaitStatus("gone-" + run + "@1", "REJECTED");
        assertTrue(((String) gone.get("reason")).startsWith("HTTP 404"), gone.toString());
        assertEquals(id + "@3", Api.active(), "a rejected adapter never replaces the active one");
    }

    @Test
    void activationIsInstantForLoadedAdaptersRollbackGoesBackAndOnlyKStayInMemory() {
        String id = "k-" + run;
        for (int v = 1; v <= 4; v++) {
            TestKafka.checkpoint(TestAdapters.event(id, v, TestAdapters.create(id + "-" + v, 10 + v), 0.5));
            Api.awaitActive(id + "@" + v);
        }
        List<String> loaded = Api.registry().getList("loaded");
        assertEquals(3, loaded.size(), "K = 3 adapters in memory: " + loaded);
        assertTrue(loaded.containsAll(List.of(id + "@2", id + "@3", id + "@4")), loaded.toString());
        Map<String, Object> evicted = Api.adapter(id + "@1");
        assertEquals("STANDBY", evicted.get("status"));
        assertTrue(((String) evicted.get("reason")).startsWith("unloaded"), evicted.toString());
        assertEquals("LOADED", Api.status(id + "@3"));

        // rollback: 4 -> 3 -> 2, each instant from memory; 4 leaves the history
        given().post("/adapters/rollback").then().statusCode(200)
                .body("active", equalTo(id + "@3")).body("rolledBackFrom", equalTo(id + "@4"));
        assertEquals("LOADED", Api.status(id + "@4"));
        assertTrue(((String) Api.adapter(id + "@4").get("reason")).startsWith("rolled back"));
        given().post("/adapters/rollback").then().statusCode(200).body("active", equalTo(id + "@2"));
        assertEquals("ACTIVE", Api.status(id + "@2"));

        // the evicted one comes back from the local cache
        given().post("/adapters/" + id + "/1/activate").then().statusCode(200).body("status", equalTo("ACTIVE"));
        assertEquals(id + "@1", Api.active());
        assertTrue(Api.registry().getList("loaded").contains(id + "@1"));
        given().post("/adapters/rollback").then().statusCode(200).body("active", equalTo(id + "@2"));
    }

    @Test
    void policiesDecideWhetherAVerifiedAdapterIsActivated() {
        String id = "policy-" + run;
        TestKafka.checkpoint(TestAdapters.event(id, 1, TestAdapters.create(id + "-1", 21), 0.50));
        Api.awaitActive(id + "@1");

        setPolicy("if-better");
        TestKafka.checkpoint(TestAdapters.event(id, 2, TestAdapters.create(id + "-2", 22), 0.40));
        Map<String, Object> worse = Api.awaitStatus(id + "@2", "STANDBY");
        assertTrue(((String) worse.get("reason")).contains("0.4000 < active " + id + "@1's 0.5000"), worse.toString());
        TestKafka.checkpoint(TestAdapters.event(id, 3, TestAdapters.create(id + "-3", 23), null));
        Map<String, Object> unmeasured = Api.awaitStatus(id + "@3", "STANDBY");
        assertTrue(((String) unmeasured.get("reason")).contains("no validation macro-recall"), unmeasured.toString());
        TestKafka.checkpoint(TestAdapters.event(id, 4, TestAdapters.create(id + "-4", 24), 0.50));
        Api.awaitStatus(id + "@4", "ACTIVE"); // equal counts as at least as good

        setPolicy("manual");
        TestKafka.checkpoint(TestAdapters.event(id, 5, TestAdapters.create(id + "-5", 25), 0.99));
        Map<String, Object> manual = Api.awaitStatus(id + "@5", "STANDBY");
        assertTrue(((String) manual.get("reason")).startsWith("policy manual"), manual.toString());
        assertEquals(id + "@4", Api.active());
        given().post("/adapters/" + id + "/5/activate").then().statusCode(200).body("status", equalTo("ACTIVE"));
        given().post("/adapters/" + id + "/2/activate").then().statusCode(200); // a declined one, by hand
        assertEquals(id + "@2", Api.active());
    }

    @Test
    void badRequestsGetProblemBodies() {
        given().contentType(ContentType.JSON).body(Map.of("uri", "ftp://x/y")).post("/adapters")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("title", equalTo("Invalid URI")).body("status", equalTo(400));
        given().contentType(ContentType.JSON).body(Map.of("adapterId", "x")).post("/adapters")
                .then().statusCode(400).body("detail", containsString("'uri' is required"));
        given().contentType(ContentType.JSON).body(Map.of("uri", "file:/tmp/x", "sha256", "abc")).post("/adapters")
                .then().statusCode(400).body("title", equalTo("Invalid digest"));
        given().contentType(ContentType.JSON).body("{\"uri\": ").post("/adapters")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE);
        given().post("/adapters/nope-" + run + "/1/activate").then().statusCode(404)
                .contentType(Problem.MEDIA_TYPE).body("detail", containsString("not registered"));
        given().get("/adapters/nope-" + run + "/1").then().statusCode(404);
        given().contentType(ContentType.JSON).body(Map.of("policy", "sometimes")).put("/adapters/policy")
                .then().statusCode(400).body("title", equalTo("Invalid policy"));

        String id = "rejected-" + run;
        register(Map.of("uri", TestAdapters.create(id, 9).toUri().toString(), "adapterId", id,
                "sha256", "0".repeat(64))).then().statusCode(202);
        Api.awaitStatus(id + "@1", "REJECTED");
        given().post("/adapters/" + id + "/1/activate").then().statusCode(409)
                .body("detail", containsString("was rejected: sha256 mismatch"));
        given().get("/adapters").then().body("active", not(equalTo(id + "@1")));
    }
}
