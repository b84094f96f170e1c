package io.lorastream.inference.support;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The service's REST API as tests use it. */
public final class Api {
    /** Read JSON numbers as doubles: the probabilities are compared in log space. */
    private static final JsonPathConfig JSON_DOUBLES =
            JsonPathConfig.jsonPathConfig().numberReturnType(JsonPathConfig.NumberReturnType.DOUBLE);

    private Api() {}

    /** Waits until the model is loaded and the stream runs (the app starts them in the background). */
    public static void awaitReady() {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> given().get("/q/health/ready").statusCode() == 200);
    }

    public static JsonPath registry() {
        return given().get("/adapters").then().statusCode(200).extract().jsonPath();
    }

    public static String active() {
        return registry().getString("active");
    }

    /** The registry row of {@code id@version}, or null. */
    public static Map<String, Object> adapter(String ref) {
        List<Map<String, Object>> rows = registry().getList("adapters");
        return rows.stream().filter(r -> ref.equals(r.get("ref"))).findFirst().orElse(null);
    }

    public static String status(String ref) {
        Map<String, Object> row = adapter(ref);
        return row == null ? null : (String) row.get("status");
    }

    public static Map<String, Object> awaitStatus(String ref, String status) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> status.equals(status(ref)));
        return adapter(ref);
    }

    public static void awaitActive(String ref) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> ref.equals(active()));
    }

    /** Probabilities for each text under the given adapter (id@version or base), via POST /classify. */
    public static List<Map<String, Number>> classify(List<String> texts, String adapter) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("texts", texts, "adapter", adapter))
                .post("/classify").then().statusCode(200).extract().jsonPath(JSON_DOUBLES)
                .getList("results.probabilities");
    }

    public static void activate(String ref) {
        String[] p = ref.split("@");
        given().post("/adapters/" + p[0] + "/" + p[1] + "/activate").then().statusCode(200);
    }
}
