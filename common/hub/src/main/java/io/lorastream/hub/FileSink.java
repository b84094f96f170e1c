package io.lorastream.hub;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Streams a response body into a file as it arrives, so that a dropped connection keeps every byte received,
 * and remembers when the last bytes came, so that a stalled transfer can be told apart from a slow one.
 * The body's value is the number of bytes written.
 */
final class FileSink implements HttpResponse.BodySubscriber<Long> {
    private final FileChannel channel;
    private final CompletableFuture<Long> result = new CompletableFuture<>();
    private volatile long lastActivity = System.nanoTime();
    private Flow.Subscription subscription;
    private long written;
    private boolean done;

    FileSink(Path file, boolean append) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
    }

    long lastActivity() {
        return lastActivity;
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public synchronized void onNext(List<ByteBuffer> items) {
        if (done) {
            return;
        }
        try {
            for (ByteBuffer b : items) {
                while (b.hasRemaining()) {
                    written += channel.write(b);
                }
            }
            lastActivity = System.nanoTime();
            subscription.request(1);
        } catch (IOException e) {
            subscription.cancel();
            finish(e);
        }
    }

    @Override
    public synchronized void onError(Throwable t) {
        finish(t);
    }

    @Override
    public synchronized void onComplete() {
        finish(null);
    }

    @Override
    public CompletionStage<Long> getBody() {
        return result;
    }

    /** Gives up on the exchange: the file is closed and late bytes are ignored. */
    synchronized void abort() {
        if (subscription != null && !done) {
            subscription.cancel();
        }
        finish(new IOException("download abandoned"));
    }

    /** Closes the file; after this, late bytes of an abandoned exchange are ignored. */
    private void finish(Throwable error) {
        if (done) {
            return;
        }
        done = true;
        try {
            channel.close();
        } catch (IOException e) {
            error = error == null ? e : error;
        }
        if (error == null) {
            result.complete(written);
        } else {
            result.completeExceptionally(error);
        }
    }
}
