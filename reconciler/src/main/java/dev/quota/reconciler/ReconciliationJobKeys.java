package dev.quota.reconciler;

/**
 * The names the reconciliation job and its readers share: the job, its steps and reader,
 * and its parameters. The configuration defines the job with them; the launcher
 * ({@link Reconciler}) and the run's recorder ({@code RunRecorder}) read the same names
 * here, so neither depends on the configuration.
 */
final class ReconciliationJobKeys {

    static final String JOB = "quotaReconciliationJob";
    static final String WORKER_STEP = "reconcileWorker";
    static final String READER = "ledgers";
    static final String FROM = "from";
    static final String TO = "to";
    static final String MODE = "mode";
    // the names the job-scoped step reads in its @Value expressions
    static final String CHUNK_SIZE = "chunkSize";
    static final String PARTITIONS = "partitions";
    static final String RERUN = "rerun";
    static final String MAX_ROWS_PER_SECOND = "maxRowsPerSecond";
    /** The database's today when the run started, as of which expired rows are pruned; absent: no pruning. */
    static final String PRUNE_AS_OF = "pruneAsOf";
    static final String PRUNE_STEP = "prune";
    /** Where this execution's workers read the day ledgers: {@link #SCAN_PRIMARY} or {@link #SCAN_STANDBY} ({@link ScanSource}). */
    static final String SCAN_ON = "scanOn";
    static final String SCAN_PRIMARY = "primary";
    static final String SCAN_STANDBY = "standby";
    /** How this execution's workers read the day ledgers: a {@link LedgerScan} code, never AUTO (decided at launch). */
    static final String LEDGER_SCAN = "ledgerScan";

    private ReconciliationJobKeys() {
    }
}
