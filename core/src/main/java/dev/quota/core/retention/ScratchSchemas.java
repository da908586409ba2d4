package dev.quota.core.retention;

import dev.quota.core.db.Schemas;
import dev.quota.core.db.StandIn;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The throw-away schemas the toolkit makes beside a product's own ({@link Schemas#scratch}):
 * {@code quota simulate}'s, and the upgrade rehearsal's of {@code scripts/bench-migrate-live},
 * each a stand-in schema and its {@code _quota} twin (on a Citus coordinator, distributed
 * tables with shards on every worker). A run drops its own when it ends; one that was killed,
 * or kept with {@code --keep}, is dropped by the prune step once its stand-in was installed
 * more than a day ago ({@link #KEPT_FOR}, by the stand-in's own migration history), which no
 * run lasts.
 */
public final class ScratchSchemas {

    private static final Logger log = LoggerFactory.getLogger(ScratchSchemas.class);

    public static final String SIMULATION = "quota_sim";
    public static final String UPGRADE_REHEARSAL = "upgrade";
    /** How long a scratch schema is kept after its stand-in was installed, as an SQL interval. */
    static final String KEPT_FOR = "1 day";
    // the names Schemas.scratch makes: a prefix and eight hex digits, so safe to name in DDL
    private static final Pattern NAME = Pattern.compile("(" + SIMULATION + "|" + UPGRADE_REHEARSAL + ")_[0-9a-f]{8}");

    private ScratchSchemas() {
    }

    /** Drops the scratch schemas kept past {@link #KEPT_FOR}, each with its twin; returns the names dropped. */
    public static List<String> dropExpired(Handle handle) {
        List<String> dropped = new ArrayList<>();
        // the catalog alone: a role may read it whatever schemas it can use
        List<String> candidates = handle.createQuery("""
                        SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE c.relname = :history AND n.nspname ~ :name
                         ORDER BY 1""")
                .bind("history", StandIn.HISTORY).bind("name", "^" + NAME.pattern() + "$").mapTo(String.class).list();
        for (String schema : candidates) {
            try {
                if (NAME.matcher(schema).matches() && installedBefore(handle, schema)) {
                    handle.execute("DROP SCHEMA IF EXISTS " + schema + ", " + schema + "_quota CASCADE");
                    dropped.add(schema);
                }
            } catch (RuntimeException e) {
                // another role's run, which this role may not read or drop: left for that role's prune, said in the log
                log.warn("could not drop the expired scratch schema {}: {}", schema, e.getMessage());
            }
        }
        return dropped;
    }

    private static boolean installedBefore(Handle handle, String schema) {
        return handle.createQuery("SELECT COALESCE(max(installed_on) < now() - CAST(:kept AS interval), false) FROM "
                        + schema + "." + StandIn.HISTORY)
                .bind("kept", KEPT_FOR).mapTo(Boolean.class).one();
    }
}
