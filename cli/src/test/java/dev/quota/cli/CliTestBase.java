package dev.quota.cli;

import dev.quota.core.testing.FreshDatabase;
import dev.quota.core.testing.MutableClock;
import dev.quota.core.testing.QuotaFixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A fresh database per test, and a clock at 10:00 UTC on 2026-07-01. */
abstract class CliTestBase {

    @RegisterExtension
    final FreshDatabase db = new FreshDatabase();

    final MutableClock clock = MutableClock.at("2026-07-01T10:00:00Z");
    QuotaFixtures fixtures;

    @BeforeEach
    void fixtures() {
        fixtures = db.fixtures();
    }

    CliRun quota(String... args) {
        return CliRun.run(db.config().jdbcUrl() + "?user=postgres", clock, "", false, args);
    }

    CliRun quotaWithInput(String stdin, String... args) {
        return CliRun.run(db.config().jdbcUrl() + "?user=postgres", clock, stdin, true, args);
    }
}
