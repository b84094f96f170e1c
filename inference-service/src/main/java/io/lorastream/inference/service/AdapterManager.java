package io.lorastream.inference.service;

import io.lorastream.contracts.Digests;
import io.lorastream.inference.config.InferenceConfig;
import io.lorastream.inference.domain.AdapterInfo;
import io.lorastream.inference.domain.AdapterRef;
import io.lorastream.inference.domain.AdapterStatus;
import io.lorastream.inference.domain.Registration;
import io.lorastream.inference.domain.SwapPolicy;
import io.lorastream.llm.LoraAdapter;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Hot swap. New adapters are fetched, verified (sha256, base model, shapes) and loaded on one
 * background thread, then the policy decides whether they replace the active one. The swap itself is
 * one volatile write of {@link #active}; the Kafka loop leases the active adapter once per micro-batch,
 * so a batch never mixes versions and a swap lands between batches. The last K activated adapters stay
 * in memory, so rollback and re-activation are instant.
 *
 * <p>Every state change (swap, eviction, rollback, registry status) runs on the loader thread, in order;
 * other threads only read {@link #active} and {@link #loaded}.
 */
@ApplicationScoped
public class AdapterManager {
    private static final Logger LOG = Logger.getLogger(AdapterManager.class);

    /** What serves unpinned batches; {@code loaded == null} for the base model. */
    private record Serving(AdapterRef ref, LoadedAdapter loaded) {}

    private final InferenceConfig config;
    private final ModelService model;
    private final AdapterRegistry registry;
    private final AdapterFetcher fetcher;
    private final InferenceMetrics metrics;
    private final ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "adapter-loader");
        t.setDaemon(true);
        return t;
    });

    private volatile Serving active = new Serving(AdapterRef.BASE, null);
    private final Map<AdapterRef, LoadedAdapter> loaded = new ConcurrentHashMap<>();
    /** Loader thread only: loaded adapters, least recently activated first. */
    private final Deque<AdapterRef> loadOrder = new ArrayDeque<>();
    /** Loader thread only: activations, most recent first, the base model at the bottom. */
    private final Deque<AdapterRef> history = new ArrayDeque<>(List.of(AdapterRef.BASE));
    /** When each pending adapter was announced (checkpoint received / registered), for swap timings. */
    private final Map<AdapterRef, Long> announcedAt = new ConcurrentHashMap<>();
    /** Activated adapters whose first stream result has not been acknowledged yet. */
    private final Map<AdapterRef, Long> awaitingFirstResult = new ConcurrentHashMap<>();
    private final Set<AdapterRef> queued = ConcurrentHashMap.newKeySet();
    private final List<AdapterRef> deferred = new ArrayList<>();
    private boolean restored;
    private volatile SwapPolicy policyOverride;

    public AdapterManager(InferenceConfig config, ModelService model, AdapterRegistry registry,
            AdapterFetcher fetcher, InferenceMetrics metrics) {
        this.config = config;
        this.model = model;
        this.registry = registry;
        this.fetcher = fetcher;
        this.metrics = metrics;
    }

    // ------------------------------------------------------------------ leases (any thread)

    /** The active adapter for one micro-batch; close the lease after the batch. */
    public AdapterLease leaseActive() {
        while (true) {
            Serving s = active;
            if (s.loaded() == null) {
                return AdapterLease.base();
            }
            if (s.loaded().acquire()) {
                return new AdapterLease(s.ref(), s.loaded());
            }
            // retired between the read and the acquire: a newer swap happened, read again
        }
    }

    /** A pinned adapter, if it is in memory (or the base model). */
    public Optional<AdapterLease> lease(AdapterRef ref) {
        if (ref.isBase()) {
            return Optional.of(AdapterLease.base());
        }
        LoadedAdapter l = loaded.get(ref);
        return l != null && l.acquire() ? Optional.of(new AdapterLease(ref, l)) : Optional.empty();
    }

    public AdapterRef activeRef() {
        return active.ref();
    }

    public List<AdapterRef> loadedRefs() {
        return List.copyOf(loaded.keySet());
    }

    /** The configured policy, unless an operator switched it at run time (not persisted: a restart resets it). */
    public SwapPolicy policy() {
        SwapPolicy p = policyOverride;
        return p != null ? p : config.adapters().policy();
    }

    public void setPolicy(SwapPolicy policy) {
        policyOverride = policy;
        LOG.infof("swap policy set to %s", policy.text());
    }

    public int keepLoaded() {
        return Math.max(1, config.adapters().keepLoaded());
    }

    public synchronized boolean isRestored() {
        return restored;
    }

    // ------------------------------------------------------------------ announcements

    /**
     * Registers an adapter (checkpoint event or POST /adapters) and queues its verification. Returns
     * false, doing nothing, when this id@version is already registered (a redelivered event).
     *
     * @param announcedNanos {@link System#nanoTime()} when the announcement arrived (swap latency starts here)
     */
    public boolean announce(Registration registration, long announcedNanos) {
        if (!registry.register(registration)) {
            LOG.debugf("adapter %s already registered; ignored", registration.ref());
            return false;
        }
        announcedAt.put(registration.ref(), announcedNanos);
        LOG.infof("adapter %s registered from %s (%s)", registration.ref(), registration.source(), registration.uri());
        schedule(registration.ref());
        return true;
    }

    private synchronized void schedule(AdapterRef ref) {
        if (!restored) {
            deferred.add(ref); // queued by restore(), after the active adapter is back
            return;
        }
        if (queued.add(ref)) {
            loader.submit(() -> {
                queued.remove(ref);
                prepare(ref);
            });
        }
    }

    /** Loader thread: fetch, verify, load, then let the policy decide. */
    private void prepare(AdapterRef ref) {
        AdapterInfo info = registry.find(ref).orElse(null);
        if (info == null || (info.status() != AdapterStatus.REGISTERED && info.status() != AdapterStatus.LOADING)) {
            return;
        }
        registry.setStatus(ref, AdapterStatus.LOADING, null);
        long t0 = System.nanoTime();
        LoraAdapter adapter;
        try {
            adapter = fetchAndLoad(info, info.sha256(), t0);
        } catch (AdapterRejectedException e) {
            reject(ref, e.getMessage());
            return;
        } catch (RuntimeException e) {
            LOG.errorf(e, "adapter %s failed unexpectedly", ref);
            reject(ref, "cannot load: " + e);
            return;
        }
        String decline = policyDecline(info);
        if (decline == null) {
            swapTo(ref, new LoadedAdapter(ref, adapter), false);
            recordSwap(ref, t0);
            metrics.adapterOutcome("activated");
            LOG.infof("adapter %s verified and active (policy %s)", ref, policy().text());
        } else {
            adapter.close();
            registry.setStatus(ref, AdapterStatus.STANDBY, decline);
            announcedAt.remove(ref);
            metrics.adapterOutcome("standby");
            LOG.infof("adapter %s verified, not activated: %s", ref, decline);
        }
    }

    /**
     * Brings the adapter into the cache (or reuses the verified copy), checks its digest against
     * {@code expectedSha256} (when known) and its base model against the loaded one, and loads it; the
     * engine checks targets and shapes. Throws {@link AdapterRejectedException} with the reason.
     */
    private LoraAdapter fetchAndLoad(AdapterInfo info, String expectedSha256, long t0) {
        AdapterRef ref = info.adapterRef();
        String served = model.baseModelSha256();
        if (info.baseModelSha256() != null && !info.baseModelSha256().equalsIgnoreCase(served)) {
            throw new AdapterRejectedException("trained on another base model: " + info.baseModelId()
                    + " sha256 " + info.baseModelSha256() + ", this service serves " + model.modelId()
                    + " sha256 " + served);
        }
        Path cached = info.localPath() == null ? null : Path.of(info.localPath());
        // a re-fetch after the cache was lost uses the pinned hf:// commit, not the branch that may have moved
        AdapterFetcher.Fetched fetched = fetcher.isCached(cached)
                ? new AdapterFetcher.Fetched(cached, info.resolvedUri())
                : fetcher.fetch(ref, info.resolvedUri() != null ? info.resolvedUri() : info.uri());
        Path folder = fetched.folder();
        String actual = Digests.adapterSha256(folder);
        if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(actual)) {
            throw new AdapterRejectedException("sha256 mismatch: declared " + expectedSha256 + ", fetched files hash to "
                    + actual);
        }
        LoraAdapter adapter;
        try {
            adapter = model.loadAdapter(folder);
        } catch (RuntimeException e) {
            throw new AdapterRejectedException("does not fit the base model " + model.modelId() + ": "
                    + e.getMessage(), e);
        }
        registry.verified(ref, actual, folder.toString(), fetched.resolvedUri(), (System.nanoTime() - t0) / 1e6);
        return adapter;
    }

    /** Null when the policy activates the adapter, else why not (kept as the registry note). */
    private String policyDecline(AdapterInfo candidate) {
        SwapPolicy policy = policy();
        if (policy == SwapPolicy.ALWAYS) {
            return null;
        }
        if (policy == SwapPolicy.MANUAL) {
            return "policy manual: activate with POST /adapters/" + candidate.adapterId() + "/"
                    + candidate.version() + "/activate";
        }
        Double challenger = candidate.metrics().macroRecall();
        if (challenger == null) {
            return "policy if-better: no validation macro-recall to compare";
        }
        AdapterRef current = active.ref();
        if (current.isBase()) {
            return null; // any measured adapter beats the untuned base model
        }
        Double incumbent = registry.find(current).map(i -> i.metrics().macroRecall()).orElse(null);
        if (incumbent == null || challenger >= incumbent) {
            return null;
        }
        return String.format(java.util.Locale.ROOT, "policy if-better: validation macro-recall %.4f < active %s's %.4f",
                challenger, current, incumbent);
    }

    private void reject(AdapterRef ref, String reason) {
        LOG.warnf("adapter %s rejected: %s", ref, reason);
        registry.rejected(ref, reason);
        announcedAt.remove(ref);
        metrics.adapterOutcome("rejected");
    }

    // ------------------------------------------------------------------ swaps (loader thread)

    /**
     * Makes {@code ref} active. {@code fresh} is a newly loaded adapter (null when {@code ref} is in
     * memory already or is the base model).
     */
    private void swapTo(AdapterRef ref, LoadedAdapter fresh, boolean rollback) {
        if (fresh != null) {
            loaded.put(ref, fresh);
        }
        if (!ref.isBase()) {
            loadOrder.remove(ref);
            loadOrder.addLast(ref);
        }
        AdapterRef previous = active.ref();
        active = new Serving(ref, ref.isBase() ? null : loaded.get(ref)); // the swap: batches after this see ref
        awaitingFirstResult.clear(); // an earlier swap that never served is superseded
        awaitingFirstResult.put(ref, announcedAt.getOrDefault(ref, System.nanoTime()));
        if (!rollback) {
            history.remove(ref);
            history.addFirst(ref);
        }
        registry.activated(ref, AdapterStatus.LOADED, rollback ? "rolled back to " + ref : null, rollback);
        evictBeyondKeep();
        metrics.activeChanged(ref, loaded.size());
        LOG.infof("active adapter: %s (was %s)%s", ref, previous, rollback ? " by rollback" : "");
    }

    private void recordSwap(AdapterRef ref, long fallbackStartNanos) {
        Long announced = announcedAt.remove(ref);
        long start = announced != null ? announced : fallbackStartNanos;
        metrics.swapped(Duration.ofNanos(System.nanoTime() - start));
    }

    private void evictBeyondKeep() {
        while (loaded.size() > keepLoaded()) {
            AdapterRef victim = null;
            for (AdapterRef r : loadOrder) {
                if (!r.equals(active.ref())) {
                    victim = r;
                    break;
                }
            }
            if (victim == null) {
                return;
            }
            loadOrder.remove(victim);
            LoadedAdapter l = loaded.remove(victim);
            if (l != null) {
                l.retire(); // freed once the last batch using it is done
            }
            registry.setStatus(victim, AdapterStatus.STANDBY,
                    "unloaded: only the last " + keepLoaded() + " activated adapters stay in memory");
            LOG.infof("adapter %s unloaded (keeping %d)", victim, keepLoaded());
        }
    }

    /** The stream acknowledged results of {@code ref}: the first one after a swap ends its swap latency. */
    public void resultsPublished(AdapterRef ref) {
        if (!ref.equals(active.ref())) {
            return; // pinned results or the last batch before a newer swap
        }
        Long since = awaitingFirstResult.remove(ref);
        if (since != null) {
            Duration latency = Duration.ofNanos(System.nanoTime() - since);
            metrics.firstResultAfterSwap(latency);
            LOG.infof("first result from %s %.1f ms after it was announced", ref, latency.toNanos() / 1e6);
        }
    }

    // ------------------------------------------------------------------ operator actions

    /** Activates a verified adapter: instant when in memory, else reloaded from the cache (or fetched). */
    public AdapterInfo activate(AdapterRef ref) {
        return onLoader(() -> {
            AdapterInfo info = registry.find(ref).orElseThrow(() -> new UnknownAdapterException(ref));
            switch (info.status()) {
                case ACTIVE -> {
                    return info;
                }
                case REJECTED -> throw new AdapterStateException("adapter " + ref + " was rejected: " + info.reason());
                case REGISTERED, LOADING -> throw new AdapterStateException("adapter " + ref
                        + " is not verified yet (status " + info.status() + "); retry when it is STANDBY or LOADED");
                default -> {
                }
            }
            long t0 = System.nanoTime();
            LoadedAdapter fresh = loaded.containsKey(ref) ? null : new LoadedAdapter(ref, reload(info, t0));
            swapTo(ref, fresh, false);
            recordSwap(ref, t0);
            return registry.find(ref).orElseThrow();
        });
    }

    /** Goes back to the adapter (or base model) that was active before the current one. */
    public AdapterRef rollback() {
        return onLoader(() -> {
            if (history.size() < 2) {
                throw new AdapterStateException("nothing to roll back to: " + active.ref() + " is the first activation");
            }
            AdapterRef current = history.removeFirst();
            AdapterRef target = history.peekFirst();
            try {
                long t0 = System.nanoTime();
                LoadedAdapter fresh = null;
                if (!target.isBase() && !loaded.containsKey(target)) {
                    AdapterInfo info = registry.find(target).orElseThrow(() -> new UnknownAdapterException(target));
                    fresh = new LoadedAdapter(target, reload(info, t0));
                }
                swapTo(target, fresh, true);
                recordSwap(target, t0);
                return target;
            } catch (RuntimeException e) {
                history.addFirst(current);
                throw e;
            }
        });
    }

    /** Loads a verified adapter again; a failure rejects it (its files changed or vanished). */
    private LoraAdapter reload(AdapterInfo info, long t0) {
        try {
            return fetchAndLoad(info, info.sha256(), t0);
        } catch (AdapterRejectedException e) {
            reject(info.adapterRef(), "reload failed: " + e.getMessage());
            throw new AdapterStateException("adapter " + info.ref() + " cannot be reloaded: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ start and stop

    /**
     * At start, once the base model is loaded: brings back the active adapter (and the rest of the last
     * K activations, for rollback) from the registry, then resumes verifications that a stop interrupted.
     * An active adapter that cannot be restored is rejected with the reason and the base model serves.
     */
    public void restore() {
        onLoader(() -> {
            List<AdapterInfo> activations = registry.activationHistory(); // most recent first
            Optional<AdapterInfo> act = registry.active();
            history.clear();
            act.ifPresent(a -> history.addLast(a.adapterRef()));
            for (AdapterInfo a : activations) {
                if (!history.contains(a.adapterRef())) {
                    history.addLast(a.adapterRef());
                }
            }
            history.addLast(AdapterRef.BASE);
            List<AdapterRef> newestFirst = List.copyOf(history);
            AdapterRef restoredActive = AdapterRef.BASE;
            for (AdapterRef ref : newestFirst) {
                if (ref.isBase() || loaded.size() >= keepLoaded()) {
                    continue;
                }
                AdapterInfo info = registry.find(ref).orElseThrow();
                boolean isActive = info.status() == AdapterStatus.ACTIVE;
                try {
                    LoraAdapter a = fetchAndLoad(info, info.sha256(), System.nanoTime());
                    loaded.put(ref, new LoadedAdapter(ref, a));
                    loadOrder.addFirst(ref); // older activations go to the eviction end
                    if (isActive) {
                        restoredActive = ref;
                    } else {
                        registry.setStatus(ref, AdapterStatus.LOADED, null);
                    }
                } catch (RuntimeException e) {
                    String reason = "cannot restore at start: " + e.getMessage();
                    if (isActive) {
                        reject(ref, reason);
                        history.remove(ref);
                    } else {
                        registry.setStatus(ref, AdapterStatus.STANDBY, reason);
                    }
                }
            }
            // everything that said LOADED but did not come back is on disk only
            for (AdapterInfo a : registry.list()) {
                if (a.status() == AdapterStatus.LOADED && !loaded.containsKey(a.adapterRef())) {
                    registry.setStatus(a.adapterRef(), AdapterStatus.STANDBY, "unloaded at restart");
                }
            }
            active = new Serving(restoredActive, restoredActive.isBase() ? null : loaded.get(restoredActive));
            if (!restoredActive.isBase()) {
                loadOrder.remove(restoredActive);
                loadOrder.addLast(restoredActive);
            }
            metrics.activeChanged(restoredActive, loaded.size());
            LOG.infof("registry restored: active %s, in memory %s", restoredActive, loaded.keySet());
            List<AdapterRef> resume = new ArrayList<>();
            for (AdapterInfo a : registry.unfinished()) {
                registry.setStatus(a.adapterRef(), AdapterStatus.REGISTERED, null);
                resume.add(a.adapterRef());
            }
            synchronized (this) {
                restored = true;
                resume.addAll(deferred);
                deferred.clear();
            }
            resume.forEach(this::schedule);
            return null;
        });
    }

    private <T> T onLoader(Callable<T> task) {
        Future<T> f = loader.submit(task);
        try {
            return f.get(config.adapters().fetchTimeout().toMillis() * 4 + 60_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            throw new IllegalStateException("interrupted while waiting for the adapter loader", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the adapter loader did not answer in time", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @PreDestroy
    void close() {
        loader.shutdownNow();
        try {
            loader.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loaded.values().forEach(LoadedAdapter::retire);
        loaded.clear();
        active = new Serving(AdapterRef.BASE, null);
    }
}
