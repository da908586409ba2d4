package dev.quota.core.db;

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

    private SchemaVersion() {
    }

    /** The applied version, 0 when the toolkit's schema has no history yet. */
    public static int applied(Handle handle, Schemas schemas) {
        boolean hasHistory = handle.createQuery("SELECT to_regclass(:history) IS NOT NULL")
                .bind("history", schemas.inToolkit("flyway_schema_history")).mapTo(Boolean.class).one();
        if (!hasHistory) {
            return 0;
        }
        return handle.createQuery("SELECT COALESCE(max(CAST(version AS integer)), 0) FROM " + schemas.inToolkit("flyway_schema_history")
                        + " WHERE success AND version ~ '^[0-9]+$'")
                .mapTo(Integer.class).one();
    }
}
