package io.lorastream.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A missing tool fails loudly, naming itself and its installer; a failing one shows its own error. */
class ExternalToolTest {

    @Test
    void aMissingToolFailsWithItsNameAndTheInstallHint() {
        ExternalTool absent = new ExternalTool("lorastream-no-such-tool", "run .ci/deploy-tools.sh");
        AssertionError error = assertThrows(AssertionError.class, () -> absent.run(Path.of("."), env -> {}, "--version"));
        assertTrue(error.getMessage().startsWith("lorastream-no-such-tool is required by the deploy tests but is not on PATH"),
                error.getMessage());
        assertTrue(error.getMessage().endsWith("run .ci/deploy-tools.sh"), error.getMessage());
    }

    @Test
    void theRequiredToolsArePresentAndAFailingCallReportsItsOutput() {
        // kubectl and docker-compose must be here (CI: .ci/deploy-tools.sh); their absence is a failure
        ExternalTool.KUBECTL.locate();
        ExternalTool.DOCKER_COMPOSE.locate();
        ExternalTool.Result result = ExternalTool.KUBECTL.runAllowingFailure(RepoLayout.root(), env -> {},
                "kustomize", RepoLayout.k8s().resolve("no-such-overlay").toString());
        assertTrue(result.exitCode() != 0, "kustomize of a missing folder must fail");
        AssertionError error = assertThrows(AssertionError.class, () -> ExternalTool.KUBECTL.run(RepoLayout.root(), env -> {},
                "kustomize", RepoLayout.k8s().resolve("no-such-overlay").toString()));
        assertTrue(error.getMessage().contains("no-such-overlay"), error.getMessage());
        assertEquals(0, ExternalTool.KUBECTL.runAllowingFailure(RepoLayout.root(), env -> {}, "version", "--client").exitCode());
    }
}
