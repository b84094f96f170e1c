package io.lorastream.cli;

import java.io.PrintStream;

/**
 * A one-line progress bar: redrawn in place on a terminal, printed as a line at most every few
 * seconds (and at the end) when the output is a file or a pipe.
 */
final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final String title;
    private final boolean interactive;
    private long lastLineNanos;
    private boolean done;

    ProgressBar(PrintStream out, String title) {
        this.out = out;
        this.title = title;
        this.interactive = System.console() != null && !"dumb".equals(System.getenv("TERM"));
    }

    /** Shows {@code current / total} with a detail text (loss, rate, ETA...). */
    void update(double current, double total, String detail) {
        if (done) {
            return;
        }
        double f = total <= 0 ? 0 : Math.max(0, Math.min(1, current / total));
        int filled = (int) Math.round(f * WIDTH);
        String line = String.format("%-22s [%s%s] %3d%% %s", title, "#".repeat(filled), ".".repeat(WIDTH - filled),
                Math.round(f * 100), detail == null ? "" : detail);
        boolean finished = f >= 1.0;
        if (interactive) {
            out.print("\r" + line + "\u001b[K");
            if (finished) {
                out.println();
            }
            out.flush();
        } else if (finished || System.nanoTime() - lastLineNanos > 5_000_000_000L) {
            out.println(line);
            lastLineNanos = System.nanoTime();
        }
        done = finished;
    }

    /** Marks the bar complete (prints the final state once). */
    void finish(String detail) {
        update(1, 1, detail);
    }
}
