package io.lorastream.ingest.service;

import io.lorastream.contracts.Split;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The rejects of one ingest: exact counts per reason, and the rows themselves up to a cap (a garbage
 * upload could reject millions of lines; the counts stay exact, the list says it was cut).
 */
public final class RejectLog {
    private final int maxKept;
    private final List<Reject> kept = new ArrayList<>();
    private final EnumMap<RejectReason, Long> counts = new EnumMap<>(RejectReason.class);
    private long total;

    public RejectLog(int maxKept) {
        this.maxKept = maxKept;
    }

    public void add(Split split, long line, RejectReason reason, String detail) {
        total++;
        counts.merge(reason, 1L, Long::sum);
        if (kept.size() < maxKept) {
            kept.add(new Reject(split, line, reason, detail));
        }
    }

    public long total() {
        return total;
    }

    public long count(RejectReason reason) {
        return counts.getOrDefault(reason, 0L);
    }

    public Map<RejectReason, Long> counts() {
        return Collections.unmodifiableMap(counts);
    }

    /** The kept rejects in the order they were found. */
    public List<Reject> rejects() {
        return Collections.unmodifiableList(kept);
    }

    /** True when more rows were rejected than kept. */
    public boolean truncated() {
        return total > kept.size();
    }
}
