package io.lorastream.bench;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM flags a memory benchmark's figures depend on, carried by the benchmark itself: a fixed,
 * pre-touched heap ({@code -Xms = -Xmx}, {@code -XX:+AlwaysPreTouch}). Without them the JVM touches
 * heap pages lazily as the collector cycles through them; that alone showed as +70 MB of RSS over 400
 * training steps while no native memory grew. When the running JVM lacks the flags, the benchmark
 * is started again in a child JVM that has them (same java, class path, system properties and
 * arguments) and this one exits with the child's status: {@code bench/run MemoryBenchmark} needs no
 * extra options, and a JVM started any other way cannot silently measure the wrong thing.
 */
final class BenchJvm {
    private static final String RELAUNCHED = "lorastream.bench.relaunched";

    private BenchJvm() {}

    /**
     * Returns when this JVM's heap is fixed and pre-touched (any size, e.g. from BENCH_JAVA_OPTS);
     * otherwise runs {@code main} in a child JVM with a pre-touched heap of {@code heapMiB} and exits.
     */
    static void requirePreTouchedHeap(Class<?> main, String[] args, int heapMiB) {
        if (hasPreTouchedHeap()) {
            return;
        }
        if (Boolean.getBoolean(RELAUNCHED)) {
            throw new IllegalStateException("the relaunched JVM still has no fixed, pre-touched heap: "
                    + ManagementFactory.getRuntimeMXBean().getInputArguments());
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-Xms") && !a.startsWith("-Xmx") && !a.contains("AlwaysPreTouch")
                    && !a.contains("InitialHeapSize") && !a.contains("MaxHeapSize")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-Xms" + heapMiB + "m", "-Xmx" + heapMiB + "m", "-XX:+AlwaysPreTouch", "-D" + RELAUNCHED + "=true",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        System.err.println("[bench] relaunching " + main.getSimpleName() + " with -Xms" + heapMiB + "m -Xmx" + heapMiB
                + "m -XX:+AlwaysPreTouch (fixed, pre-touched heap for stable RSS figures)");
        try {
            System.exit(new ProcessBuilder(cmd).inheritIO().start().waitFor());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a child JVM: " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.exit(130);
        }
    }

    /** True when the heap's initial size equals its maximum and every heap page was touched at start. */
    static boolean hasPreTouchedHeap() {
        HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        return Boolean.parseBoolean(hs.getVMOption("AlwaysPreTouch").getValue())
                && hs.getVMOption("InitialHeapSize").getValue().equals(hs.getVMOption("MaxHeapSize").getValue());
    }

    /** The fixed heap in MiB, for reports. */
    static long heapMiB() {
        return Runtime.getRuntime().maxMemory() >> 20;
    }

    /** Java heap in use after a collection, in MiB: heap growth would show here, native growth only in RSS. */
    static double heapUsedMiBAfterGc() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) / 1048576.0;
    }
}
