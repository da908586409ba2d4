package dev.quota.reconciler;

import dev.quota.core.drift.CounterRepair;
import dev.quota.core.drift.DayLedger;
import dev.quota.core.drift.DriftKind;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;

/**
 * Records each drifting day of a chunk and, in repair mode, sets its counter back to the
 * log first, all in the chunk's transaction: a chunk's findings and repairs commit together
 * or not at all, which is what lets a restarted run pick up where it stopped. Not final:
 * the step scope proxies it by subclassing.
 */
class FindingWriter implements ItemWriter<DayLedger> {

    static final String ACTOR = "reconciler";
    private static final Logger LOG = LoggerFactory.getLogger(FindingWriter.class);

    private final Jdbi jdbi;
    private final long runId;
    private final ReconcileMode mode;
    private final Consumer<DayLedger> beforeWrite;

    FindingWriter(Jdbi jdbi, long runId, ReconcileMode mode, Consumer<DayLedger> beforeWrite) {
        this.jdbi = jdbi;
        this.runId = runId;
        this.mode = mode;
        this.beforeWrite = beforeWrite;
    }

    @Override
    public void write(Chunk<? extends DayLedger> chunk) {
        jdbi.useHandle(handle -> {
            PreparedBatch batch = handle.prepareBatch("""
                    INSERT INTO quota_reconciliation_drifts
                        (run_id, user_id, quota_date, used_count, expected, messages, effective_limit, drift, kinds, repaired, unresolved,
                         primary_used_count, primary_expected)
                    VALUES (:runId, :userId, :day, :used, :expected, :messages, :limit, :drift, CAST(:kinds AS text[]), :repaired, :unresolved,
                            :primaryUsed, :primaryExpected)
                    ON CONFLICT (run_id, user_id, quota_date) DO NOTHING
                    """);
            for (DayLedger ledger : chunk) {
                beforeWrite.accept(ledger);
                boolean repaired = false;
                boolean unresolved = true;
                CounterRepair.Repaired onPrimary = null;
                if (mode == ReconcileMode.REPAIR && ledger.counterDrift()) {
                    onPrimary = CounterRepair.repair(handle, ledger.userId(), ledger.quotaDate(), "reconciliation run " + runId, ACTOR,
                            "reconcile-" + runId + "-" + ledger.userId() + "-" + ledger.quotaDate());
                    repaired = onPrimary.changed();
                    DayLedger after = new DayLedger(ledger.userId(), ledger.quotaDate(), onPrimary.after(), ledger.messages(),
                            ledger.usageDelta(), ledger.granted(), ledger.userExists(), ledger.planLimit(), onPrimary.after(),
                            ledger.effectiveLimit());
                    unresolved = after.drifting();
                    if (onPrimary.disagreesWith(ledger.usedCount(), ledger.expected())) {
                        LOG.warn("user {} on {}: the scan read counter {} for expected {}, the primary holds {} for {}; repaired to the primary's",
                                ledger.userId(), ledger.quotaDate(), ledger.usedCount(), ledger.expected(), onPrimary.before(), onPrimary.after());
                    }
                }
                batch.bind("runId", runId)
                        .bind("userId", ledger.userId())
                        .bind("day", ledger.quotaDate())
                        .bind("used", ledger.usedCount())
                        .bind("expected", ledger.expected())
                        .bind("messages", ledger.messages())
                        .bind("limit", ledger.effectiveLimit())
                        .bind("drift", ledger.drift())
                        .bind("kinds", ledger.kinds().stream().map(DriftKind::code).toArray(String[]::new))
                        .bind("repaired", repaired)
                        .bind("unresolved", unresolved)
                        .bind("primaryUsed", onPrimary == null ? null : onPrimary.before())
                        .bind("primaryExpected", onPrimary == null ? null : onPrimary.after())
                        .add();
            }
            if (batch.size() > 0) {
                batch.execute();
            }
        });
    }
}
