package dev.quota.core.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quota.core.testing.SharedPostgres;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The one reader of a server's CPU: it finds the server's postmaster and counts the work of its backends. */
class ServerCpuTest {

    private final Database database = Database.open(SharedPostgres.get().config("postgres").withPoolSize(1));
    private final Jdbi jdbi = database.jdbi();

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void givenAServerOnThisHost_whenItsPostmasterIsAsked_thenItIsTheParentOfEveryBackend() {
        long postmaster = ServerCpu.postmasterOf(jdbi);

        assertThat(postmaster).isEqualTo(ServerCpu.postmasterOf(jdbi)).isPositive();
    }

    @Test
    void givenABackendThatComputesForAWhile_whenTheServersCpuIsReadAround_thenItGrewByAtLeastTheBackendsWork() {
        long postmaster = ServerCpu.postmasterOf(jdbi);
        double before = ServerCpu.seconds(postmaster);

        jdbi.useHandle(handle -> handle.createQuery("SELECT count(*) FROM generate_series(1, 20000000)").mapTo(Long.class).one());

        assertThat(ServerCpu.seconds(postmaster) - before).isGreaterThan(0.1);
    }
}
