package dev.quota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quota.core.db.Database;
import dev.quota.core.db.DatabaseConfig;
import dev.quota.core.db.ServerClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The toolkit on a Citus coordinator (docs/scaling.md, "On Citus"): runs when
 * {@code QUOTA_CITUS_URL} points at one, and is skipped otherwise, since no registry this
 * project builds from packages Citus. {@code scripts/citus/cluster start DIR} prints such a
 * URL. The database it names is REPLACED: its product tables are made again from
 * layouts/citus-product.sql (distributed by user) and its quota schema is dropped.
 */
@EnabledIfEnvironmentVariable(named = "QUOTA_CITUS_URL", matches = ".+",
        disabledReason = "no Citus coordinator: scripts/citus/cluster start DIR prints one for QUOTA_CITUS_URL")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CitusClusterTest {

    private final String url = System.getenv("QUOTA_CITUS_URL");
    private Database database;
    private CliRun migrated;

    @BeforeAll
    void aProductDistributedByUser() {
        database = Database.open(DatabaseConfig.parse(url));
        database.jdbi().useHandle(handle -> {
            handle.execute("DROP SCHEMA IF EXISTS quota CASCADE");
            // one statement a transaction, as psql runs the file: Citus distributes a table in a
            // transaction of its own, not in one that also dropped the tables before it
            handle.createScript(resource("layouts/citus-product.sql")).executeAsSeparateStatements();
        });
        migrated = quota("db", "migrate");
    }

    @AfterAll
    void close() {
        database.close();
    }

    private CliRun quota(String... args) {
        return CliRun.run(url, ServerClock.of(database), "", false, args);
    }

    private static String resource(String path) {
        try (InputStream in = CitusClusterTest.class.getClassLoader().getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void givenACoordinator_whenMigrated_thenThePerUserTablesAreCoLocatedWithTheCounters() {
        migrated.exits(0);

        Map<String, Object> placement = database.jdbi().withHandle(handle -> handle.createQuery("""
                SELECT count(*) FILTER (WHERE p.colocationid = c.colocationid AND p.partmethod = 'h') AS colocated,
                       count(*) FILTER (WHERE p.logicalrelid = CAST('quota.settings' AS regclass) AND p.partmethod = 'n') AS reference
                  FROM pg_dist_partition p, pg_dist_partition c
                 WHERE c.logicalrelid = CAST('public.user_daily_quota_usages' AS regclass)
                   AND p.logicalrelid IN (CAST('quota.consumed_requests' AS regclass), CAST('quota.quota_adjustments' AS regclass),
                                          CAST('quota.settings' AS regclass))""").mapToMap().one());
        assertThat(placement).containsEntry("colocated", 2L).containsEntry("reference", 1L);
    }

    @Test
    void givenACoordinator_whenMigrated_thenTheSqlApiIsRoutedByItsUserArgument() {
        migrated.exits(0);

        long routed = database.jdbi().withHandle(handle -> handle.createQuery("""
                SELECT count(*) FROM pg_dist_object
                 WHERE classid = CAST('pg_proc' AS regclass) AND distribution_argument_index = 0
                   AND objid IN (to_regprocedure('quota.consume(bigint, integer, text, timestamptz)'),
                                 to_regprocedure('quota.status(bigint, date)'))""").mapTo(Long.class).one());
        assertThat(routed).isEqualTo(2);
    }

    @Test
    void givenADistributedToolkit_whenMigratedAgain_thenNothingMoreIsDistributed() {
        migrated.exits(0);

        assertThat(quota("db", "migrate").exits(0).out()).contains("already up to date").doesNotContain("Distributed");
    }

    @Test
    void givenACoordinator_whenChecked_thenTheContractHoldsWithCitusNamedAndNoShardNamed() {
        migrated.exits(0);

        String check = quota("db", "check").exits(0).out();

        assertThat(check).contains("Read contract holds", "Citus", "coordinator").doesNotContain("not co-located", "local table")
                .doesNotContainPattern("_1\\d{5}\\b");
    }
}
