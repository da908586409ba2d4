package dev.quota.core.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quota.core.UserKey;
import dev.quota.core.UserKeyType;
import dev.quota.core.testing.FreshDatabase;
import dev.quota.core.testing.QuotaFixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A function an earlier release rendered follows this release's source: {@code db migrate}
 * re-renders each whose deployed text differs, with no migration of its own, and says so.
 */
class DeployedFunctionsTest {

    @RegisterExtension
    final FreshDatabase fresh = new FreshDatabase(config -> config.withPoolSize(2));

    private List<DeployedFunctions.Stale> stale() {
        return fresh.database().jdbi().withHandle(handle -> DeployedFunctions.stale(handle, fresh.database().config().schemas()));
    }

    /** quota.day_limit as a release with another plan rule rendered it: the active plan's limit and five more. */
    private void deployAnEarlierRule() {
        String earlierRule = """
                SELECT pp.plan_code, pp.daily_message_limit + 5 AS daily_message_limit
                  FROM plan_periods pp
                 WHERE pp.user_id = p_user_id AND pp.ended_at IS NULL""";
        String earlier = DayLimitFunction.ddl(fresh.database().config().schemas(), UserKeyType.WHOLE_NUMBER, earlierRule);
        assertThat(earlier).isNotEqualTo(SqlApi.current(fresh.database().config().schemas(), UserKeyType.WHOLE_NUMBER).get(SqlApi.Function.DAY_LIMIT));
        fresh.database().jdbi().useHandle(handle -> handle.execute(earlier));
    }

    private int limitOf(UserKey user) {
        return fresh.database().jdbi().withHandle(handle -> handle.createQuery("SELECT daily_limit FROM quota.status(:u)").bind("u", user)
                .mapTo(Integer.class).one());
    }

    @Test
    void givenASchemaThisReleaseMigrated_whenCompared_thenNoFunctionIsStale() {
        assertThat(stale()).isEmpty();
    }

    @Test
    void givenADayLimitAnEarlierRuleRendered_whenCompared_thenItIsTheOneStale() {
        deployAnEarlierRule();

        assertThat(stale()).extracting(DeployedFunctions.Stale::name).containsExactly("quota.day_limit(bigint, date, boolean)");
    }

    @Test
    void givenADayLimitAnEarlierRuleRendered_whenMigrated_thenItIsRenderedAgainAndTheFunctionsFollowTheRule() {
        UserKey user = new QuotaFixtures(fresh.database().jdbi()).subscribedUser(10);
        deployAnEarlierRule();
        assertThat(limitOf(user)).isEqualTo(15);
        List<String> lines = new ArrayList<>();

        int applied = SchemaMigrator.install(fresh.database(), fresh.database().migrator(), new LockWaits(1, Duration.ZERO), lines::add).migrationsApplied();

        assertThat(applied).isZero();
        assertThat(lines).containsExactly(
                "re-rendered quota.day_limit(bigint, date, boolean): its text in this release differs from the deployed");
        assertThat(stale()).isEmpty();
        assertThat(limitOf(user)).isEqualTo(10);
    }

    @Test
    void givenAStaleFunction_whenTheContractIsChecked_thenAProblemNamesItAndTheFix() {
        deployAnEarlierRule();

        ContractCheck check = ContractCheck.of(fresh.database().jdbi(), fresh.database().config().schemas());

        assertThat(check.usable()).isFalse();
        assertThat(check.problems()).singleElement().satisfies(line -> assertThat(line)
                .startsWith("quota.day_limit(bigint, date, boolean) differs from this release's text").endsWith("'quota db migrate' renders it again"));
    }

    @Test
    void givenAStaleFunction_whenTheDryRunIsAsked_thenItShowsTheReRenderAndChangesNothing() {
        deployAnEarlierRule();

        List<SchemaMigrator.PendingSql> pending = fresh.database().migrator().pendingSql(List.of());

        assertThat(pending).singleElement().satisfies(sql -> {
            assertThat(sql.version()).isEqualTo(SchemaMigrator.RERENDER);
            assertThat(sql.sql()).startsWith("-- re-rendered: quota.day_limit(bigint, date, boolean)");
        });
        assertThat(stale()).hasSize(1);
    }
}
