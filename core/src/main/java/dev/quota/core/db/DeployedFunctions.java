package dev.quota.core.db;

import dev.quota.core.UserKeyType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * The SQL API's functions as deployed against this release's rendering of them
 * ({@link SqlApi#current}). A migration renders a function once, when it runs; a later edit
 * to its source (a template, or the plan rule {@code quota.day_limit} embeds) changes every
 * Java statement but not the database. So {@code db migrate} re-renders each function whose
 * deployed body differs, and {@code db check} reports them. Bodies are compared as stored
 * ({@code pg_proc.prosrc} keeps the text between the dollar quotes verbatim).
 */
public final class DeployedFunctions {

    /** A function whose deployed body is not this release's: its name and the statement that renders it. */
    public record Stale(String name, String ddl) {
    }

    private DeployedFunctions() {
    }

    /** The stale functions, none while the schema is older than the functions' current shape (V10). */
    public static List<Stale> stale(Handle handle, Schemas schemas) {
        if (SchemaMigrator.appliedVersion(handle, schemas) < SchemaMigrator.LATEST_VERSION) {
            return List.of();
        }
        UserKeyType keyType = handle.createQuery("SELECT user_key_type FROM " + schemas.inToolkit("settings"))
                .mapTo(String.class).findOne().map(UserKeyType::ofSqlType).orElse(UserKeyType.WHOLE_NUMBER);
        List<Stale> stale = new ArrayList<>();
        for (Map.Entry<SqlApi.Function, String> function : SqlApi.current(schemas, keyType).entrySet()) {
            String signature = schemas.inToolkit(function.getKey().signature(keyType));
            String deployed = handle.createQuery("SELECT prosrc FROM pg_proc WHERE oid = to_regprocedure(:signature)")
                    .bind("signature", signature).mapTo(String.class).findOne().orElse(null);
            if (!body(function.getValue()).equals(deployed)) {
                stale.add(new Stale(schemas.inToolkit(function.getKey().signature(keyType)), function.getValue()));
            }
        }
        return stale;
    }

    /**
     * Re-renders the stale functions in one transaction; returns them. CREATE OR REPLACE takes
     * no lock on a table: a call already running finishes on the text it began with.
     */
    public static List<Stale> refresh(Handle handle, Schemas schemas, List<String> preamble) {
        return handle.inTransaction(transaction -> {
            List<Stale> stale = stale(transaction, schemas);
            if (!stale.isEmpty()) {
                preamble.forEach(transaction::execute);
                stale.forEach(function -> transaction.execute(function.ddl()));
            }
            return stale;
        });
    }

    /** The text between a CREATE FUNCTION's dollar quotes, as PostgreSQL stores it. */
    static String body(String ddl) {
        int open = ddl.indexOf("$fn$");
        int close = ddl.lastIndexOf("$fn$");
        if (open < 0 || close <= open) {
            throw new IllegalStateException("a rendered function without its $fn$ quotes: " + ddl.lines().findFirst().orElse(""));
        }
        return ddl.substring(open + 4, close);
    }
}
