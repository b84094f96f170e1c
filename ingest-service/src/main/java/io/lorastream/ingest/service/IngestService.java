package io.lorastream.ingest.service;

import io.lorastream.contracts.DatasetSealed;
import io.lorastream.contracts.Digests;
import io.lorastream.contracts.Split;
import io.lorastream.ingest.config.IngestConfig;
import io.lorastream.ingest.domain.Dataset;
import io.lorastream.ingest.domain.DatasetStatus;
import io.lorastream.ingest.messaging.DatasetSealedPublisher;
import io.lorastream.ingest.messaging.PromptRecordPublisher;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Starts ingests and runs them: checks the request, derives the datasetId, claims it in the database
 * (an already sealed dataset is returned, not ingested again), then on a worker reads, validates,
 * samples and publishes the records and finally {@link DatasetSealed}.
 */
@ApplicationScoped
public class IngestService {
    private static final Logger LOG = Logger.getLogger(IngestService.class);

    @Inject
    IngestConfig config;
    @Inject
    DatasetStore store;
    @Inject
    IngestWorkers workers;
    @Inject
    PromptRecordPublisher records;
    @Inject
    DatasetSealedPublisher seals;
    @Inject
    IngestMetrics metrics;

    private IngestPipeline pipeline;

    /** The dataset asked for, and whether this request started its ingest. */
    public record Submission(Dataset dataset, boolean started) {}

    /** Reads a source once the ingest runs, reporting progress. */
    @FunctionalInterface
    interface SourceRead {
        ExampleSet read(IngestProgress progress) throws IOException;
    }

    @PostConstruct
    void init() {
        pipeline = new IngestPipeline(new ValidationRules(config.maxChars()), config.maxStoredRejects());
    }

    void onStart(@Observes StartupEvent event) {
        int interrupted = store.failInterrupted();
        if (interrupted > 0) {
            LOG.warnf("%d ingest(s) were interrupted by the last shutdown and are marked FAILED", interrupted);
        }
    }

    /**
     * A TweetEval source: a local directory, a base URL, or (neither given) the configured default URL.
     *
     * @throws InvalidRequestException listing every problem with the request
     */
    public Submission startTweetEval(String dir, String url, SamplingOptions options) {
        List<String> errors = new ArrayList<>();
        IngestParameters params = parameters(options, config.splits(), errors);
        DatasetFiles files = null;
        SourceRef ref = null;
        if (dir != null && url != null) {
            errors.add("source: give either dir or url, not both");
        } else if (dir != null) {
            DirectoryFiles local = directory(dir, errors);
            if (local != null) {
                files = local;
                ref = new SourceRef(SourceRef.Kind.DIR, local.location());
                if (params != null) {
                    List<String> missing = TweetEvalReader.missingFiles(local, params.splits());
                    if (!missing.isEmpty()) {
                        errors.add("source.dir: " + local.location() + " lacks " + String.join(", ", missing));
                    }
                }
            }
        } else {
            URI base = null;
            try {
                base = HttpFiles.normalize(url == null ? config.defaultBaseUrl() : URI.create(url.strip()));
            } catch (IllegalArgumentException e) {
                errors.add("source.url: " + e.getMessage());
            }
            if (base != null) {
                files = new HttpFiles(base, config.http().connectTimeout(), config.http().readTimeout());
                ref = new SourceRef(SourceRef.Kind.URL, base.toString());
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        DatasetFiles source = files;
        return submit(ref, params, progress -> pipeline.readTweetEval(source, params.splits(), progress));
    }

    /**
     * An uploaded JSONL or CSV body, read (and validated) as it streams in; the datasetId covers the
     * body's SHA-256, so the same upload with the same parameters is the same dataset.
     *
     * @param contentLength the body's length when the client sent it, else -1
     */
    public Submission startUpload(String format, String defaultSplit, SamplingOptions options, InputStream body,
            long contentLength) throws IOException {
        List<String> errors = new ArrayList<>();
        UploadFormat uploadFormat = null;
        try {
            uploadFormat = UploadFormat.parse(format);
        } catch (IllegalArgumentException e) {
            errors.add("format: " + e.getMessage());
        }
        Split split = Split.TRAIN;
        if (defaultSplit != null && !defaultSplit.isBlank()) {
            try {
                split = Split.parse(defaultSplit);
            } catch (IllegalArgumentException e) {
                errors.add("split: " + e.getMessage());
            }
        }
        IngestParameters params = parameters(options, List.of(Split.values()), errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        CountingInputStream counted = new CountingInputStream(body);
        DigestInputStream digesting = new DigestInputStream(counted, Digests.sha256());
        long started = System.nanoTime();
        ExampleSet set = pipeline.readUpload(uploadFormat, digesting, contentLength, split,
                Set.copyOf(params.splits()), new IngestProgress());
        long rows = set.rowsRead().values().stream().mapToLong(Long::longValue).sum();
        if (rows == 0) {
            throw new InvalidRequestException("the upload holds no rows");
        }
        String sha = Digests.hex(digesting.getMessageDigest().digest());
        LOG.infof("upload read: %d rows (%d valid, %d rejected) in %.1f s", rows, set.accepted(),
                set.rejects().total(), (System.nanoTime() - started) / 1e9);
        SourceRef ref = new SourceRef(SourceRef.Kind.UPLOAD,
                "sha256:" + sha + ";format=" + uploadFormat.wireName() + ";split=" + split.wireName());
        return submit(ref, params, progress -> {
            progress.alreadyRead(rows, counted.count);
            return set;
        });
    }

    /** Counts the bytes of an upload, for its report. */
    private static final class CountingInputStream extends FilterInputStream {
        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count += b >= 0 ? 1 : 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            count += Math.max(n, 0);
            return n;
        }
    }

    private Submission submit(SourceRef ref, IngestParameters params, SourceRead read) {
        String id = DatasetIds.of(ref, params);
        DatasetStore.Claim claim;
        synchronized (this) { // one claim at a time in this instance; the row lock covers other instances
            try {
                claim = store.claim(id, ref, params);
            } catch (PersistenceException raced) {
                claim = new DatasetStore.Claim(store.find(id).orElseThrow(() -> raced), false);
            }
        }
        if (claim.start()) {
            LOG.infof("%s queued: %s, %s", id, ref.describe(), params.canonical());
            workers.submit(() -> run(id, ref, params, read));
        } else {
            LOG.infof("%s requested again: it is %s, nothing new is published", id, claim.dataset().status);
            if (claim.dataset().status == DatasetStatus.SEALED) {
                metrics.dataset("reused");
            }
        }
        return new Submission(claim.dataset(), claim.start());
    }

    private void run(String id, SourceRef ref, IngestParameters params, SourceRead read) {
        IngestProgress progress = new IngestProgress(config.progressInterval(), s -> report(id, s));
        try {
            store.running(id);
            ExampleSet set = read.read(progress);
            metrics.rowsRead(set.rowsRead().values().stream().mapToLong(Long::longValue).sum());
            metrics.rejected(set.rejects().counts());
            store.saveRead(id, set);
            SampledDataset ds = pipeline.sample(id, set, params);
            if (ds.records().isEmpty()) {
                throw new IllegalStateException("no valid examples to publish (" + set.rejects().total()
                        + " rows rejected: " + set.rejects().counts() + ")");
            }
            store.savePlan(id, ds);
            pipeline.publish(ds, records.newSink(), progress);
            metrics.published(ds.records().size());
            DatasetSealed sealed = ds.sealed(ref, Instant.now());
            seals.publish(sealed);
            progress.sealed();
            store.sealed(id, sealed.sealedAt(), progress.snapshot());
            metrics.dataset("sealed");
            LOG.infof("%s sealed: %d records %s, %d rows rejected %s, sha256 %s", id, ds.records().size(),
                    ds.counts(), set.rejects().total(), set.rejects().counts(), ds.sha256());
        } catch (Exception | LinkageError e) {
            progress.failed();
            String message = describe(e);
            LOG.warnf(e instanceof IOException || e instanceof IllegalArgumentException ? null : e,
                    "%s failed: %s", id, message);
            try {
                store.failed(id, message, progress.snapshot());
            } catch (RuntimeException dbDown) {
                LOG.errorf(dbDown, "%s: cannot record the failure", id);
            }
            metrics.dataset("failed");
        }
    }

    private void report(String id, IngestProgress.Snapshot s) {
        switch (s.phase()) {
            case READING -> LOG.infof("%s reading: %d rows, %s (%.1f%%), %.0f rows/s", id, s.rowsRead(),
                    s.bytesTotal() > 0 ? mb(s.bytesRead()) + " of " + mb(s.bytesTotal()) : mb(s.bytesRead()),
                    s.percent(), s.perSecond());
            case PUBLISHING -> LOG.infof("%s publishing: %d/%d records (%.1f%%), %.0f records/s", id,
                    s.recordsPublished(), s.recordsTotal(), s.percent(), s.perSecond());
            default -> LOG.debugf("%s %s", id, s.phase());
        }
        if (s.phase() == IngestProgress.Phase.SEALED || s.phase() == IngestProgress.Phase.FAILED) {
            return; // written with the final status
        }
        try {
            store.progress(id, s);
        } catch (RuntimeException e) {
            LOG.warnf("%s: cannot store progress: %s", id, e.getMessage()); // the ingest goes on
        }
    }

    /** Sampling options with the configured defaults filled in; problems go to {@code errors}. */
    IngestParameters parameters(SamplingOptions options, List<Split> defaultSplits, List<String> errors) {
        SamplingOptions o = options == null ? SamplingOptions.none() : options;
        List<Split> splits = new ArrayList<>();
        if (o.splits() == null || o.splits().isEmpty()) {
            splits.addAll(defaultSplits);
        } else {
            for (String s : o.splits()) {
                try {
                    splits.add(Split.parse(s));
                } catch (IllegalArgumentException e) {
                    errors.add("splits: " + e.getMessage());
                }
            }
        }
        Map<Split, Integer> sizes = new EnumMap<>(Split.class);
        Map<Split, Integer> asked = new EnumMap<>(Split.class);
        if (o.trainSize() != null) asked.put(Split.TRAIN, o.trainSize());
        if (o.validationSize() != null) asked.put(Split.VALIDATION, o.validationSize());
        if (o.testSize() != null) asked.put(Split.TEST, o.testSize());
        for (Split s : Split.values()) {
            int n = asked.getOrDefault(s, config.sampling().size(s));
            if (n < 0) {
                errors.add(s.wireName() + "Size must be >= 0, was " + n);
            }
            sizes.put(s, n);
        }
        if (!errors.isEmpty() || splits.isEmpty()) {
            if (splits.isEmpty() && errors.isEmpty()) {
                errors.add("splits: select at least one split");
            }
            return null;
        }
        boolean stratified = o.stratified() != null ? o.stratified() : config.sampling().stratified();
        long seed = o.seed() != null ? o.seed() : config.sampling().seed();
        return new IngestParameters(splits, sizes, Boolean.TRUE.equals(o.all()), stratified, seed, config.maxChars());
    }

    private DirectoryFiles directory(String dir, List<String> errors) {
        Path path;
        try {
            path = Path.of(dir.strip());
        } catch (InvalidPathException e) {
            errors.add("source.dir: not a path: " + e.getMessage());
            return null;
        }
        if (!path.isAbsolute()) {
            errors.add("source.dir must be an absolute path, was '" + dir + "'");
            return null;
        }
        Path normalized = path.normalize();
        if (config.dirRoot().isPresent() && !normalized.startsWith(config.dirRoot().get().toAbsolutePath().normalize())) {
            errors.add("source.dir must lie inside " + config.dirRoot().get() + " (lorastream.ingest.dir-root)");
            return null;
        }
        if (!Files.isDirectory(normalized)) {
            errors.add("source.dir: no such directory " + normalized);
            return null;
        }
        return new DirectoryFiles(normalized);
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return (m == null || m.isBlank()) ? e.getClass().getSimpleName() : m;
    }
}
