package io.lorastream.inference.service;

import io.lorastream.inference.domain.AdapterInfo;
import io.lorastream.inference.domain.AdapterRef;
import io.lorastream.inference.domain.AdapterStatus;
import io.lorastream.inference.domain.RegisteredAdapter;
import io.lorastream.inference.domain.Registration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The adapter registry in PostgreSQL. Every method is one transaction and hands out snapshots, so
 * callers on any thread (loader, REST, Kafka) never hold an entity.
 */
@ApplicationScoped
public class AdapterRegistry {

    /** Adds the adapter as REGISTERED; false when this id@version is already known (a redelivered event). */
    @Transactional
    public boolean register(Registration r) {
        if (RegisteredAdapter.findByRef(r.ref()).isPresent()) {
            return false;
        }
        RegisteredAdapter a = new RegisteredAdapter();
        a.adapterId = r.ref().adapterId();
        a.version = r.ref().version();
        a.status = AdapterStatus.REGISTERED;
        a.source = r.source();
        a.uri = r.uri();
        a.sha256 = r.sha256();
        a.baseModelId = r.baseModelId();
        a.baseModelSha256 = r.baseModelSha256();
        a.runId = r.runId();
        a.step = r.step();
        a.finalCheckpoint = r.finalCheckpoint();
        a.trainLoss = r.metrics().trainLoss();
        a.validationLoss = r.metrics().validationLoss();
        a.accuracy = r.metrics().accuracy();
        a.macroRecall = r.metrics().macroRecall();
        a.macroF1 = r.metrics().macroF1();
        a.lossOn = r.metrics().lossOn();
        a.registeredAt = Instant.now();
        a.persist();
        return true;
    }

    @Transactional
    public Optional<AdapterInfo> find(AdapterRef ref) {
        return RegisteredAdapter.findByRef(ref).map(AdapterInfo::of);
    }

    @Transactional
    public List<AdapterInfo> list() {
        return RegisteredAdapter.<RegisteredAdapter>list("order by adapterId, version").stream()
                .map(AdapterInfo::of).toList();
    }

    @Transactional
    public Optional<AdapterInfo> active() {
        return RegisteredAdapter.findActive().map(AdapterInfo::of);
    }

    @Transactional
    public List<AdapterInfo> activationHistory() {
        return RegisteredAdapter.activationHistory().stream().map(AdapterInfo::of).toList();
    }

    @Transactional
    public List<AdapterInfo> unfinished() {
        return RegisteredAdapter.unfinished().stream().map(AdapterInfo::of).toList();
    }

    @Transactional
    public int latestVersion(String adapterId) {
        return RegisteredAdapter.latestVersion(adapterId);
    }

    @Transactional
    public void setStatus(AdapterRef ref, AdapterStatus status, String reason) {
        RegisteredAdapter a = get(ref);
        a.status = status;
        a.reason = reason;
    }

    @Transactional
    public void rejected(AdapterRef ref, String reason) {
        RegisteredAdapter a = get(ref);
        a.status = AdapterStatus.REJECTED;
        a.reason = reason;
        a.activatedAt = null;
    }

    /**
     * Fetched and verified: records the digest, the cached copy, the commit-pinned {@code hf://} URI (null
     * for other sources) and how long it took.
     */
    @Transactional
    public void verified(AdapterRef ref, String sha256, String localPath, String resolvedUri, double loadMs) {
        RegisteredAdapter a = get(ref);
        a.sha256 = sha256;
        a.localPath = localPath;
        a.resolvedUri = resolvedUri;
        a.loadMs = loadMs;
        a.loadedAt = Instant.now();
    }

    /**
     * Makes {@code next} the one ACTIVE row (or none for the base model). The previous active row becomes
     * {@code previousStatus}; {@code rolledBack} clears its activation so it leaves the rollback history.
     */
    @Transactional
    public void activated(AdapterRef next, AdapterStatus previousStatus, String previousReason, boolean rolledBack) {
        RegisteredAdapter.findActive().ifPresent(prev -> {
            if (!prev.ref().equals(next)) {
                prev.status = previousStatus;
                prev.reason = previousReason;
                if (rolledBack) {
                    prev.activatedAt = null;
                }
            }
        });
        RegisteredAdapter.flush(); // the partial unique index allows one ACTIVE row at a time
        if (!next.isBase()) {
            RegisteredAdapter a = get(next);
            a.status = AdapterStatus.ACTIVE;
            a.reason = null;
            a.activatedAt = Instant.now();
        }
    }

    private static RegisteredAdapter get(AdapterRef ref) {
        return RegisteredAdapter.findByRef(ref)
                .orElseThrow(() -> new IllegalStateException("adapter " + ref + " is not registered"));
    }
}
