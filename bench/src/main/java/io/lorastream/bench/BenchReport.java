package io.lorastream.bench;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.lorastream.contracts.ContractJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A benchmark's output: a table on stdout and {@code bench/results/<name>-<yyyy-mm-dd>.json} with the
 * same rows plus the machine it ran on.
 */
public final class BenchReport {
    private final String name;
    private final List<Map<String, Object>> rows = new ArrayList<>();
    private final Map<String, Object> context = new LinkedHashMap<>();

    public BenchReport(String name) {
        this.name = name;
        context.put("date", LocalDate.now().toString());
        context.put("cores", Runtime.getRuntime().availableProcessors());
        context.put("java", System.getProperty("java.version"));
        context.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    }

    /** Adds a context entry (model, dataset, settings) printed above the table. */
    public BenchReport context(String key, Object value) {
        context.put(key, value);
        return this;
    }

    /** Adds a row: alternating column name and value. */
    public BenchReport row(Object... nameValuePairs) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i + 1 < nameValuePairs.length; i += 2) {
            row.put(String.valueOf(nameValuePairs[i]), nameValuePairs[i + 1]);
        }
        rows.add(row);
        return this;
    }

    /** Resident set size of this process in MB (Linux), for memory benchmarks. */
    public static double rssMb() {
        return procStatusMb("VmRSS:");
    }

    /** Peak resident set size of this process so far in MB (Linux VmHWM). */
    public static double peakRssMb() {
        return procStatusMb("VmHWM:");
    }

    /** The 1/5/15-minute load averages (Linux): other work on a shared machine skews every timing. */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /** A /proc/self/status size field in MB (MiB, as the kernel counts kB); heap in use when not on Linux. */
    private static double procStatusMb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException ignored) {
            // not Linux: fall through
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6;
    }

    /** Prints the table and writes the JSON; returns the JSON path. */
    public Path finish() {
        System.out.println("== " + name + " ==");
        context.forEach((k, v) -> System.out.println("  " + k + ": " + v));
        if (!rows.isEmpty()) {
            List<String> cols = new ArrayList<>(rows.get(0).keySet());
            rows.forEach(r -> r.keySet().forEach(k -> { if (!cols.contains(k)) cols.add(k); }));
            Map<String, Integer> width = new LinkedHashMap<>();
            for (String c : cols) {
                int w = c.length();
                for (Map<String, Object> r : rows) w = Math.max(w, fmt(r.get(c)).length());
                width.put(c, w);
            }
            StringBuilder head = new StringBuilder("| ");
            StringBuilder sep = new StringBuilder("|");
            for (String c : cols) {
                head.append(pad(c, width.get(c))).append(" | ");
                sep.append("-".repeat(width.get(c) + 2)).append("|");
            }
            System.out.println(head.toString().stripTrailing());
            System.out.println(sep);
            for (Map<String, Object> r : rows) {
                StringBuilder line = new StringBuilder("| ");
                for (String c : cols) line.append(pad(fmt(r.get(c)), width.get(c))).append(" | ");
                System.out.println(line.toString().stripTrailing());
            }
        }
        Path dir = Path.of(System.getProperty("lorastream.bench.results", "bench/results"));
        Path out = dir.resolve(name + "-" + context.get("date") + ".json");
        try {
            Files.createDirectories(dir);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("benchmark", name);
            json.put("context", context);
            json.put("rows", rows);
            Files.writeString(out, ContractJson.mapper().writer(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(json) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("wrote " + out);
        return out;
    }

    private static String fmt(Object v) {
        if (v == null) return "";
        if (v instanceof Double d) return Math.abs(d) >= 100 ? String.format("%.1f", d) : String.format("%.4g", d);
        if (v instanceof Float f) return fmt(f.doubleValue());
        return v.toString();
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(Math.max(0, w - s.length()));
    }
}
