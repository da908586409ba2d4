package dev.quota.core.db;

import dev.quota.core.UserKeyType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
        if (SchemaVersion.applied(handle, schemas) < SchemaVersion.LATEST) {
            return List.of();
        }
        UserKeyType keyType = DeploymentSettings.read(handle).userKeyType();
        Map<String, String> rendered = new LinkedHashMap<>();
        SqlApi.current(schemas, keyType).forEach((function, ddl) -> rendered.put(schemas.inToolkit(function.signature(keyType)), ddl));
        // every deployed body in one query; a missing function reads as null
        Map<String, String> deployed = new HashMap<>();
        handle.createQuery("""
                        SELECT s.signature, p.prosrc
                          FROM unnest(CAST(:signatures AS text[])) AS s(signature)
                          LEFT JOIN pg_proc p ON p.oid = to_regprocedure(s.signature)""")
                .bind("signatures", rendered.keySet().toArray(String[]::new))
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)})
                .forEach(row -> deployed.put(row[0], row[1]));
        List<Stale> stale = new ArrayList<>();
        rendered.forEach((signature, ddl) -> {
            if (!body(ddl).equals(deployed.get(signature))) {
                stale.add(new Stale(signature, ddl));
            }
        });
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
