package dev.quota.core.testing;

import dev.quota.core.UserKeyType;
import dev.quota.core.db.Database;
import dev.quota.core.db.DatabaseConfig;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit extension: a freshly migrated database of its own for each test, on the shared
 * embedded PostgreSQL. Register it as an instance field with {@code @RegisterExtension}.
 */
public final class FreshDatabase implements BeforeEachCallback, AfterEachCallback {

    private final UnaryOperator<DatabaseConfig> tuning;
    private final Supplier<UserKeyType> keys;
    private String name;
    private Database database;

    public FreshDatabase() {
        this(UnaryOperator.identity());
    }

    /** With pool size or timeouts changed from the defaults. */
    public FreshDatabase(UnaryOperator<DatabaseConfig> tuning) {
        this(() -> UserKeyType.WHOLE_NUMBER, tuning);
    }

    /**
     * On the stand-in with users keyed by {@code keys}, asked before each test (so that a
     * parameterized class can give its layout), and with the tuning given.
     */
    public FreshDatabase(Supplier<UserKeyType> keys, UnaryOperator<DatabaseConfig> tuning) {
        this.keys = keys;
        this.tuning = tuning;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        SharedPostgres postgres = SharedPostgres.get();
        name = postgres.createDatabase(keys.get());
        database = Database.open(tuning.apply(postgres.config(name)));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (database != null) {
            database.close();
        }
        SharedPostgres.get().dropDatabase(name);
    }

    public Database database() {
        return database;
    }

    public Jdbi jdbi() {
        return database.jdbi();
    }

    public String name() {
        return name;
    }

    public DatabaseConfig config() {
        return database.config();
    }

    public QuotaFixtures fixtures() {
        return new QuotaFixtures(database.jdbi());
    }
}
