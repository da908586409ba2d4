package dev.quota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quota.core.db.Database;
import dev.quota.core.testing.MutableClock;
import dev.quota.core.testing.QuotaFixtures;
import dev.quota.core.testing.SharedPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever a person or a script types, the command line answers with a documented exit
 * code, at most one line on stderr (without {@code -v}), never a stack trace, and writes
 * nothing when it refuses. Generated invocations of every command that reads or changes a
 * quota: user references, counts, dates, free text of any length and character, request
 * ids, option combinations.
 */
class BadInputPropertiesTest {

    /** Every exit code the README documents; 1 (unexpected error) is not among them on purpose. */
    private static final Set<Integer> DOCUMENTED = Set.of(0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);

    private static String name;
    private static Database database;
    private static final MutableClock CLOCK = MutableClock.at("2026-07-01T10:00:00Z");

    @BeforeContainer
    static void database() {
        name = SharedPostgres.get().createDatabase();
        database = Database.open(SharedPostgres.get().config(name).withPoolSize(2));
        QuotaFixtures fixtures = new QuotaFixtures(database.jdbi());
        fixtures.subscribedUser("ada@example.com", 20);
        fixtures.subscribedUser("bob@example.com", 3);
        fixtures.unsubscribedUser("eve@example.com");
    }

    @AfterContainer
    static void dropDatabase() {
        database.close();
        SharedPostgres.get().dropDatabase(name);
    }

    @Property(tries = 120)
    void anyInvocation_answersWithADocumentedCodeOneLineNoStackTraceAndWritesNothingWhenRefused(
            @ForAll("invocations") List<String> args) {
        List<Long> before = written();

        CliRun run = CliRun.run(SharedPostgres.get().config(name).jdbcUrl() + "?user=postgres", CLOCK, "", false,
                args.toArray(String[]::new));

        String described = "quota " + args + "\nstdout: " + run.out() + "\nstderr: " + run.err();
        assertThat(DOCUMENTED).as(described).contains(run.exitCode());
        assertThat(run.err()).as(described).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(run.err().strip().lines().count()).as(described).isLessThanOrEqualTo(1);
        if (run.exitCode() != 0) {
            assertThat(written()).as(described).isEqualTo(before);
        }
    }

    /** What a command could have written: audit rows, counters, messages. */
    private static List<Long> written() {
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        SELECT (SELECT count(*) FROM quota_adjustments), (SELECT COALESCE(sum(used_count), 0) FROM user_daily_quota_usages),
                               (SELECT count(*) FROM user_daily_quota_usages), (SELECT count(*) FROM chat_messages)
                        """)
                .map((rs, ctx) -> List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4))).one());
    }

    @Provide
    Arbitrary<List<String>> invocations() {
        Arbitrary<String> command = Arbitraries.of("show", "consume", "grant", "refund", "charge", "reset", "set", "history", "top",
                "db check", "db views", "db grants");
        Arbitrary<String> user = Arbitraries.oneOf(
                Arbitraries.of("1", "2", "3", "ada@example.com", "ADA@Example.com", "eve@example.com", "nobody@example.com", "0", "-1",
                        "99999999999999999999", "", " ", "1; DROP TABLE users", "ada@example.com\nbob"),
                Arbitraries.strings().ofMaxLength(300),
                Arbitraries.strings().withCharRange('!', '~').ofMaxLength(40));
        Arbitrary<String> count = Arbitraries.oneOf(
                Arbitraries.integers().between(-5, 2_000_000).map(String::valueOf),
                Arbitraries.of("", "x", "1e3", "99999999999", "0", "1.5"));
        Arbitrary<String> date = Arbitraries.of("2026-06-30", "2026-07-01", "2026-07-02", "2026-13-01", "2026-02-30",
                "yesterday", "", "1999-01-01", "+999999999-12-31", "2026-6-3");
        Arbitrary<String> text = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(120),
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(90).ofMaxLength(700),
                Arbitraries.of("", " ", "ticket 42", "line\nbreak"));
        Arbitrary<String> requestId = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(140),
                Arbitraries.strings().ofMaxLength(300),
                Arbitraries.of("r-1", "r-2", ""));
        Arbitrary<Integer> flags = Arbitraries.integers().between(0, (1 << 12) - 1);
        return Combinators.combine(command, user, count, date, text, text, requestId, flags)
                .as((cmd, who, n, day, reason, actor, rid, mask) -> {
                    List<String> args = new ArrayList<>(List.of(cmd.split(" ")));
                    switch (cmd) {
                        case "show", "consume", "history", "reset" -> args.add(who);
                        case "grant", "refund", "charge", "set" -> {
                            args.add(who);
                            args.add(n);
                        }
                        case "db views" -> args.add("--template");
                        case "db grants" -> args.addAll(List.of("--role", who));
                        default -> { }
                    }
                    // each option group is in or out by one bit of the mask, in this order
                    List<List<String>> options = List.of(List.of("--date", day), List.of("--reason", reason),
                            List.of("--actor", actor), List.of("--request-id", rid), List.of("-y"), List.of("--dry-run"),
                            List.of("-o", "json"), List.of("--count", n), List.of("--days", n), List.of("--limit", n),
                            List.of("--bogus"), List.of("--db-url", "mysql://root:secret@db/chat"));
                    for (int bit = 0; bit < options.size(); bit++) {
                        if ((mask & (1 << bit)) != 0) {
                            args.addAll(options.get(bit));
                        }
                    }
                    return args;
                });
    }
}
