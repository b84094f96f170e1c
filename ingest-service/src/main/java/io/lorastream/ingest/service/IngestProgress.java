package io.lorastream.ingest.service;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Live progress of one ingest, written by the thread doing the work. Percent: reading counts for the
 * first half (by bytes, when the sizes are known), publishing for the second (by records); rates are
 * averages over the current phase. A listener, when given, hears a snapshot at each phase change and at
 * most once per interval in between, on the working thread itself: no second writer, no races.
 */
public final class IngestProgress {

    public enum Phase { QUEUED, READING, PUBLISHING, SEALING, SEALED, FAILED }

    /** A consistent-enough copy for reporting. */
    public record Snapshot(Phase phase, double percent, long rowsRead, long bytesRead, long bytesTotal,
            long recordsPublished, long recordsTotal, double perSecond) {}

    private volatile Phase phase = Phase.QUEUED;
    private volatile long phaseStartNanos = System.nanoTime();
    private volatile long bytesTotal = -1;
    private volatile long bytesRead;
    private volatile long rowsRead;
    private volatile long recordsTotal;
    private volatile long recordsPublished;
    private final long intervalNanos;
    private final Consumer<Snapshot> listener;
    private long nextReport;

    /** Progress nobody listens to (tests, the benchmark reads snapshots itself). */
    public IngestProgress() {
        this(Duration.ofDays(1), s -> {});
    }

    public IngestProgress(Duration interval, Consumer<Snapshot> listener) {
        this.intervalNanos = interval.toNanos();
        this.listener = listener;
    }

    public void startReading(long totalBytes) {
        bytesTotal = totalBytes;
        enter(Phase.READING);
    }

    /** Called after each row with the bytes consumed so far by the whole read. */
    public void rowRead(long bytesSoFar) {
        rowsRead++;
        bytesRead = bytesSoFar;
        tick();
    }

    /** For a source read before the ingest was queued (uploads): the read is over, here are its totals. */
    public void alreadyRead(long rows, long bytes) {
        rowsRead = rows;
        bytesRead = bytes;
        bytesTotal = bytes;
        enter(Phase.READING);
    }

    public void startPublishing(long total) {
        recordsTotal = total;
        recordsPublished = 0;
        enter(Phase.PUBLISHING);
    }

    public void published(long count) {
        recordsPublished = count;
        tick();
    }

    public void sealing() {
        enter(Phase.SEALING);
    }

    public void sealed() {
        enter(Phase.SEALED);
    }

    public void failed() {
        enter(Phase.FAILED);
    }

    public Phase phase() {
        return phase;
    }

    public Snapshot snapshot() {
        Phase p = phase;
        double seconds = Math.max(1e-9, (System.nanoTime() - phaseStartNanos) / 1e9);
        long total = bytesTotal;
        double percent = switch (p) {
            case QUEUED, FAILED -> 0;
            case READING -> total > 0 ? 50.0 * Math.min(1.0, (double) bytesRead / total) : 0;
            case PUBLISHING -> 50 + (recordsTotal > 0 ? 50.0 * recordsPublished / recordsTotal : 50);
            case SEALING -> 99.9;
            case SEALED -> 100;
        };
        double rate = switch (p) {
            case READING -> rowsRead / seconds;
            case PUBLISHING -> recordsPublished / seconds;
            default -> 0;
        };
        return new Snapshot(p, Math.round(percent * 10) / 10.0, rowsRead, bytesRead, total, recordsPublished,
                recordsTotal, Math.round(rate * 10) / 10.0);
    }

    private void enter(Phase next) {
        phaseStartNanos = System.nanoTime();
        phase = next;
        nextReport = phaseStartNanos + intervalNanos;
        listener.accept(snapshot());
    }

    private void tick() {
        long now = System.nanoTime();
        if (now - nextReport >= 0) {
            nextReport = now + intervalNanos;
            listener.accept(snapshot());
        }
    }
}
