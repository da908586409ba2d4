package dev.quota.reconciler;

import dev.quota.core.db.Database;
import dev.quota.core.db.DatabaseConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs SQL files against a database, each in one transaction, without a timeout, and says
 * how long each took: how {@code scripts/bench-reconcile} builds a product layout at scale
 * without depending on psql.
 *
 * <p>Usage: {@code SqlFiles <jdbc-url> <file>...}, or {@code SqlFiles <jdbc-url> --create-database <name>}
 */
public final class SqlFiles {

    private SqlFiles() {
    }

    public static void main(String[] args) throws IOException {
        DatabaseConfig config = DatabaseConfig.parse(args[0]);
        try (Database database = Database.open(config.withPoolSize(1)
                .withTimeouts(config.connectTimeout(), config.lockTimeout(), Duration.ZERO))) {
            if (args.length == 3 && args[1].equals("--create-database")) {
                // not in a transaction: PostgreSQL creates databases only outside one
                database.jdbi().useHandle(handle -> handle.execute("CREATE DATABASE \"" + args[2].replace("\"", "") + "\""));
                return;
            }
            for (int i = 1; i < args.length; i++) {
                String sql = Files.readString(Path.of(args[i]));
                long started = System.nanoTime();
                database.jdbi().useTransaction(handle -> handle.createScript(sql).execute());
                System.err.printf("%s: %.1f s%n", args[i], (System.nanoTime() - started) / 1e9);
            }
        }
    }
}
