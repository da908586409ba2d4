package dev.quota.cli;

import dev.quota.core.UserKeyType;
import dev.quota.core.testing.FreshDatabase;
import dev.quota.core.testing.MutableClock;
import dev.quota.core.testing.QuotaFixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A fresh database per test, and a clock at 10:00 UTC on 2026-07-01. */
abstract class CliTestBase {

    @RegisterExtension
    final FreshDatabase db = new FreshDatabase(this::userKeys, config -> config);

    final MutableClock clock = MutableClock.at("2026-07-01T10:00:00Z");
    QuotaFixtures fixtures;

    @BeforeEach
    void fixtures() {
        fixtures = db.fixtures();
    }

    /** How the stand-in keys its users: whole numbers, unless a test class says otherwise. */
    UserKeyType userKeys() {
        return UserKeyType.WHOLE_NUMBER;
    }

    /** The test's database, as {@code --db-url} names it. */
    String dbUrl() {
        return db.config().jdbcUrl() + "?user=postgres";
    }

    CliRun quota(String... args) {
        return CliRun.run(dbUrl(), clock, "", false, args);
    }

    CliRun quotaWithInput(String stdin, String... args) {
        return CliRun.run(dbUrl(), clock, stdin, true, args);
    }
}
