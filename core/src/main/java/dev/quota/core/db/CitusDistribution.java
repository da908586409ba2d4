package dev.quota.core.db;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import dev.quota.core.UserKeyType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * On a Citus coordinator, the toolkit's own objects are spread the way the product's are
 * (docs/scaling.md): the per-user tables distributed by {@code user_id} and co-located with
 * the product's counters, so that every statement on one user runs on that user's worker;
 * the settings a reference table, readable on every node; {@code quota.consume} and
 * {@code quota.status} distributed functions, so that a backend's call is delegated to the
 * user's worker in one round trip. The job's own tables (runs, findings, the job repository)
 * stay on the coordinator. On plain PostgreSQL, and on a Citus worker, nothing is done.
 * Safe to run again: what is already distributed is left as it is.
 */
public final class CitusDistribution {

    /** The toolkit's tables whose every key carries {@code user_id} (V7): one user's rows live on one shard. */
    static final List<String> PER_USER_TABLES = List.of("consumed_requests", "quota_adjustments", "quota_holds");
    static final List<String> REFERENCE_TABLES = List.of("settings");
    static final String DISTRIBUTION_ARGUMENT = "p_user_id";
    private static final Pattern SHARD_NAME = Pattern.compile("(.+)_(\\d+)");

    private CitusDistribution() {
    }

    /** Citus is installed in this database, and this node holds its metadata (the coordinator). */
    public static boolean isCoordinator(Handle handle) {
        return installed(handle) && coordinatorHere(handle);
    }

    /** The Citus version, when the extension is installed in this database. */
    public static Optional<String> version(Handle handle) {
        return handle.createQuery("SELECT extversion FROM pg_extension WHERE extname = 'citus'").mapTo(String.class).findOne();
    }

    /** Citus is installed in this database: its catalog ({@code pg_dist_*}) and functions may be queried. */
    private static boolean installed(Handle handle) {
        return version(handle).isPresent();
    }

    private static boolean coordinatorHere(Handle handle) {
        return handle.createQuery("SELECT citus_is_coordinator()").mapTo(Boolean.class).one();
    }

    /**
     * Distributes what is not yet distributed; returns one line per object it distributed now.
     * Refused when the product's counters are not distributed by user: the toolkit co-locates
     * with them, and cannot choose the product's sharding for it.
     */
    public static List<String> distribute(Handle handle, Schemas schemas) {
        if (!isCoordinator(handle)) {
            return List.of();
        }
        String counters = schemas.inProduct(ReadContract.COUNTERS);
        String distributedBy = distributionColumn(handle, counters);
        if (!"user_id".equals(distributedBy)) {
            throw new QuotaException(ErrorCode.SCHEMA_MISMATCH, "on Citus the toolkit co-locates its per-user tables with the product's counters, "
                    + "but " + counters + (distributedBy == null ? " is not a distributed table" : " is distributed by " + distributedBy)
                    + "; distribute the product's tables by user_id first (docs/scaling.md)",
                    Map.of("counters", counters));
        }
        List<String> done = new ArrayList<>();
        for (String table : PER_USER_TABLES) {
            String name = schemas.inToolkit(table);
            if (distributionColumn(handle, name) == null && !isReferenceTable(handle, name)) {
                handle.createQuery("SELECT create_distributed_table(CAST(:t AS regclass), 'user_id', colocate_with => CAST(:with AS text))")
                        .bind("t", name).bind("with", counters).mapToMap().one();
                done.add("Distributed " + name + " by user_id, co-located with " + counters);
            }
        }
        for (String table : REFERENCE_TABLES) {
            String name = schemas.inToolkit(table);
            if (!isReferenceTable(handle, name)) {
                handle.createQuery("SELECT create_reference_table(CAST(:t AS regclass))").bind("t", name).mapToMap().one();
                done.add("Made " + name + " a reference table");
            }
        }
        // the SQL API, routed by its user argument
        UserKeyType keyType = DeploymentSettings.read(handle).userKeyType();
        for (SqlApi.Function function : SqlApi.CALLED_BY_BACKENDS) {
            String name = schemas.inToolkit(function.signature(keyType));
            if (!isDistributedFunction(handle, name)) {
                handle.createQuery("SELECT create_distributed_function(CAST(:f AS regprocedure), CAST(:arg AS text), colocate_with := CAST(:with AS text))")
                        .bind("f", name).bind("arg", DISTRIBUTION_ARGUMENT).bind("with", counters).mapToMap().one();
                done.add("Distributed function " + name + " by " + DISTRIBUTION_ARGUMENT + ", co-located with " + counters);
            }
        }
        return done;
    }

    /**
     * On a coordinator, gives the stand-in just made in {@code schemas}' product schema the
     * shape of a product distributed by user (stand-in-on-citus.sql), its messages distributed
     * as {@code messages} says, so that the simulator and the bench run there as on one server;
     * nothing elsewhere, or when it has it already.
     */
    static void distributeStandIn(Handle handle, Schemas schemas, MessagesDistribution messages) {
        if (!isCoordinator(handle) || distributionColumn(handle, schemas.inProduct("users")) != null) {
            return;
        }
        handle.createScript(SchemaMigrator.read("dev/quota/core/db/stand-in-on-citus.sql")).executeAsSeparateStatements();
        handle.createScript(SchemaMigrator.read(messages.script())).executeAsSeparateStatements();
    }

    /**
     * What {@code quota db check} says of Citus, nothing without it: a note of its version and
     * this node's role, and on the coordinator the warnings ({@link #warningsOnCoordinator}).
     */
    public static void judge(Handle handle, Schemas schemas, List<String> warnings, List<String> notes) {
        Optional<String> version = version(handle);
        if (version.isEmpty()) {
            return;
        }
        boolean coordinator = coordinatorHere(handle);
        if (coordinator) {
            warnings.addAll(warningsOnCoordinator(handle, schemas));
        }
        notes.add("Citus " + version.get() + (coordinator ? " coordinator" : " worker: point the toolkit at the coordinator"));
    }

    /** A table behind a read-contract view that is neither co-located with the counters nor a reference table. */
    private record Apart(String table, String view, boolean local) {
        boolean distributedMessages() {
            return !local && view.equals(ReadContract.View.USER_MESSAGES.viewName());
        }
    }

    /**
     * One warning for each table behind a read-contract view that is neither co-located with
     * the product's counters nor a reference table (the toolkit's per-user statements could
     * then not run on one worker), and one for each toolkit table not distributed yet. User
     * messages distributed by another key (by conversation) are no warning: only the nightly
     * job, repairs and history read them, all by statements that need no co-location
     * ({@code quota db check} notes how the job reads them).
     */
    private static List<String> warningsOnCoordinator(Handle handle, Schemas schemas) {
        String counters = schemas.inProduct(ReadContract.COUNTERS);
        List<String> warnings = new ArrayList<>();
        for (Apart apart : apartFromCounters(handle, schemas)) {
            if (!apart.distributedMessages()) {
                warnings.add(apart.table() + " (behind view " + apart.view() + ") is "
                        + (apart.local() ? "a local table, not distributed" : "distributed but not co-located with the counters")
                        + "; the toolkit reads one user's rows on that user's worker, so distribute it by its user id co-located with "
                        + counters + ", or make it a reference table");
            }
        }
        for (String table : PER_USER_TABLES) {
            if (distributionColumn(handle, schemas.inToolkit(table)) == null) {
                warnings.add(schemas.inToolkit(table) + " is not distributed yet: run 'quota db migrate' on the coordinator");
            }
        }
        return warnings;
    }

    private static List<Apart> apartFromCounters(Handle handle, Schemas schemas) {
        return handle.createQuery("""
                        WITH RECURSIVE behind(view, rel) AS (
                            SELECT v.oid, d.refobjid
                              FROM pg_class v
                              JOIN pg_rewrite r ON r.ev_class = v.oid
                              JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                                              AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> v.oid
                             WHERE v.relnamespace = CAST(:toolkit AS regnamespace) AND v.relname = ANY (:views)
                            UNION
                            SELECT b.view, d.refobjid
                              FROM behind b
                              JOIN pg_rewrite r ON r.ev_class = b.rel
                              JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                                              AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> b.rel
                        )
                        SELECT DISTINCT CAST(CAST(b.rel AS regclass) AS text) AS table_name,
                               (SELECT v.relname FROM pg_class v WHERE v.oid = b.view) AS view_name,
                               p.logicalrelid IS NULL AS local
                          FROM behind b
                          JOIN pg_class c ON c.oid = b.rel AND c.relkind IN ('r', 'p')
                          LEFT JOIN pg_dist_partition p ON p.logicalrelid = b.rel
                         WHERE p.logicalrelid IS NULL
                            OR (p.partmethod <> 'n' AND p.colocationid <> (SELECT colocationid FROM pg_dist_partition
                                                                           WHERE logicalrelid = to_regclass(:counters)))
                         ORDER BY 1, 2""")
                .bind("toolkit", schemas.toolkit()).bind("counters", schemas.inProduct(ReadContract.COUNTERS))
                .bind("views", Arrays.stream(ReadContract.View.values()).map(ReadContract.View::viewName).toArray(String[]::new))
                .map((rs, ctx) -> new Apart(rs.getString("table_name"), rs.getString("view_name"), rs.getBoolean("local")))
                .list();
    }

    /**
     * The distributed table a Citus shard belongs to ({@code chat_messages_102138} is a shard
     * of {@code chat_messages}); the name itself when it is not a shard, or without Citus.
     */
    public static String tableOfShard(Handle handle, String relation) {
        Matcher shard = SHARD_NAME.matcher(relation);
        if (!shard.matches() || !installed(handle)) {
            return relation;
        }
        // a shard's name is its table's with _<shard id>: both must match, so a table named events_2024 stays itself
        return handle.createQuery("""
                        SELECT CAST(CAST(s.logicalrelid AS regclass) AS text) FROM pg_dist_shard s
                         WHERE s.shardid = :id AND (SELECT c.relname FROM pg_class c WHERE c.oid = s.logicalrelid) = :name""")
                .bind("id", Long.parseLong(shard.group(2))).bind("name", shard.group(1).substring(shard.group(1).lastIndexOf('.') + 1))
                .mapTo(String.class).findOne().orElse(relation);
    }

    /** Whether {@code table} (as the search path finds it) is a Citus distributed table; false without Citus. */
    public static boolean isDistributed(Handle handle, String table) {
        return installed(handle) && distributionColumn(handle, table) != null;
    }

    /** The column a hash-distributed table is distributed by; null when it is not one. */
    static String distributionColumn(Handle handle, String table) {
        return handle.createQuery("""
                        SELECT column_to_column_name(p.logicalrelid, p.partkey)
                          FROM pg_dist_partition p
                         WHERE p.logicalrelid = to_regclass(:t) AND p.partmethod = 'h'""")
                .bind("t", table).mapTo(String.class).findOne().orElse(null);
    }

    static boolean isReferenceTable(Handle handle, String table) {
        return handle.createQuery("SELECT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = to_regclass(:t) AND partmethod = 'n')")
                .bind("t", table).mapTo(Boolean.class).one();
    }

    static boolean isDistributedFunction(Handle handle, String signature) {
        return handle.createQuery("""
                        SELECT EXISTS (SELECT 1 FROM pg_dist_object o
                                        WHERE o.classid = 'pg_proc'::regclass AND o.objid = to_regprocedure(:f)
                                          AND o.distribution_argument_index IS NOT NULL)""")
                .bind("f", signature).mapTo(Boolean.class).one();
    }
}
