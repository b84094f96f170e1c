package io.lorastream.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.lorastream.deploy.RenderedManifests.Workload;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the gpu overlay changes, and that the cpu overlay stays free of it. */
class OverlayDifferencesTest {
    private static final String GPU = "nvidia.com/gpu";
    private static final List<String> LIBTORCH_ENV = List.of("PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR");

    @Test
    void gpuOverlayGivesTheTrainerOneGpuTolerationsAndCudaLibtorch() {
        RenderedManifests gpu = RenderedManifests.overlay("gpu");
        Workload trainer = gpu.workload("trainer-service");
        Container container = trainer.container("trainer-service");

        assertEquals(new Quantity("1"), container.getResources().getLimits().get(GPU), "limit " + GPU);
        assertEquals(new Quantity("1"), container.getResources().getRequests().get(GPU), "request " + GPU);
        List<Toleration> tolerations = trainer.template().getSpec().getTolerations();
        assertTrue(tolerations.stream().anyMatch(t -> GPU.equals(t.getKey()) && "NoSchedule".equals(t.getEffect())
                && "Exists".equals(t.getOperator())), "tolerates the GPU node taint: " + tolerations);
        assertTrue(container.getImage().endsWith("-cu124"), "CUDA 12.4 image: " + container.getImage());

        // DJL downloads unless all three point at the image's libtorch together
        Map<String, String> env = KustomizeOverlaysTest.effectiveEnv(gpu, container);
        assertEquals("/opt/libtorch", env.get("PYTORCH_LIBRARY_PATH"));
        assertEquals("2.5.1", env.get("PYTORCH_VERSION"), "libtorch of pytorch-jni 2.5.1-0.33.0");
        assertEquals("cu124", env.get("PYTORCH_FLAVOR"));
        assertEquals("cpu", env.get("RUST_FLAVOR"), "tokenizers stay on CPU (no CUDA tokenizers download)");
        assertEquals("gpu", env.get("LORASTREAM_TRAINER_DEVICE"), "no silent fallback to CPU training");

        // the strategic merge kept the base's env, volumes and probes
        assertTrue(container.getEnv().stream().anyMatch(e -> e.getName().equals("QUARKUS_DATASOURCE_PASSWORD")));
        assertEquals("/q/health/ready", container.getReadinessProbe().getHttpGet().getPath());
        assertEquals(4, container.getVolumeMounts().size());

        // only the trainer holds a GPU
        for (Workload other : gpu.workloads()) {
            if (other.name().equals("trainer-service")) continue;
            other.allContainers().forEach(c -> assertNoGpu("gpu: " + other.name(), c));
            assertTrue(other.template().getSpec().getTolerations().isEmpty(), other.name() + " tolerations");
        }
        // trainer (GPU node) and inference (elsewhere) share the model cache
        PersistentVolumeClaim modelCache = gpu.get(PersistentVolumeClaim.class, "lorastream-model-cache");
        assertEquals(List.of("ReadWriteMany"), modelCache.getSpec().getAccessModes());
    }

    @Test
    void cpuOverlayHasNoGpuNoTolerationsAndNoCudaLibtorch() {
        RenderedManifests cpu = RenderedManifests.overlay("cpu");
        for (Workload workload : cpu.workloads()) {
            assertTrue(workload.template().getSpec().getTolerations().isEmpty(), workload.name() + " tolerations");
            Map<String, String> nodeSelector = workload.template().getSpec().getNodeSelector();
            assertTrue(nodeSelector == null || nodeSelector.isEmpty(), workload.name() + " node selector " + nodeSelector);
            workload.allContainers().forEach(c -> {
                assertNoGpu("cpu: " + workload.name(), c);
                assertFalse(c.getImage().contains("cu124"), c.getImage());
                Map<String, String> env = KustomizeOverlaysTest.effectiveEnv(cpu, c);
                LIBTORCH_ENV.forEach(name -> assertFalse(env.containsKey(name), workload.name() + " sets " + name));
            });
        }
        Container trainer = cpu.workload("trainer-service").container("trainer-service");
        assertEquals("cpu", KustomizeOverlaysTest.effectiveEnv(cpu, trainer).get("LORASTREAM_TRAINER_DEVICE"));
        // CPU training: whole cores guaranteed, and libtorch told to use as many threads as it has
        Quantity cores = trainer.getResources().getLimits().get("cpu");
        assertEquals(cores, trainer.getResources().getRequests().get("cpu"), "CPU request = limit for the trainer");
        String javaOptions = KustomizeOverlaysTest.env(trainer, "JAVA_TOOL_OPTIONS").getValue();
        assertTrue(javaOptions.contains("-Dai.djl.pytorch.num_threads=" + cores.getAmount()), javaOptions);
        assertEquals(List.of("ReadWriteOnce"),
                cpu.get(PersistentVolumeClaim.class, "lorastream-model-cache").getSpec().getAccessModes());
    }

    private static void assertNoGpu(String what, Container container) {
        var resources = container.getResources();
        assertFalse(resources.getLimits().containsKey(GPU), what + " limits " + GPU);
        assertFalse(resources.getRequests().containsKey(GPU), what + " requests " + GPU);
    }
}
