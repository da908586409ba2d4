package dev.quota.core.db;

import dev.quota.core.persistence.PlainStatement;
import java.sql.Connection;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * The toolkit schema's version: the latest this release carries, and the one a database has
 * applied, read from the migration history (no classpath scan). Apart from
 * {@link SchemaMigrator} so that a command which only reads (show, history, top) checks the
 * version without loading Flyway.
 */
public final class SchemaVersion {

    /** The latest version in {@link SchemaMigrator#LOCATION}; a test keeps this in step with the files. */
    public static final int LATEST = 10;

    private static final PlainStatement HAS_HISTORY = new PlainStatement("SELECT to_regclass(:history) IS NOT NULL");

    private SchemaVersion() {
    }

    /** The applied version, 0 when the toolkit's schema has no history yet. */
    public static int applied(Handle handle, Schemas schemas) {
        return applied(handle.getConnection(), schemas);
    }

    /** As {@link #applied(Handle, Schemas)}, on a plain connection. */
    public static int applied(Connection connection, Schemas schemas) {
        String history = schemas.inToolkit("flyway_schema_history");
        if (!HAS_HISTORY.one(connection, Map.of("history", history), row -> row.getBoolean(1))) {
            return 0;
        }
        // the history's name comes from the configured schema (Schemas checks it is a plain identifier), not from input
        return new PlainStatement("SELECT COALESCE(max(CAST(version AS integer)), 0) FROM " + history
                + " WHERE success AND version ~ '^[0-9]+$'").one(connection, Map.of(), row -> row.getInt(1));
    }
}
