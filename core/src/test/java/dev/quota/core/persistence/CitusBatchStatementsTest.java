package dev.quota.core.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quota.core.UserKey;
import dev.quota.core.persistence.GroupCommitStatements.DayKey;
import dev.quota.core.persistence.GroupCommitStatements.Locked;
import dev.quota.core.testing.FreshDatabase;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Group commit's statements for a Citus coordinator, on one server: the batch's own reading
 * of the units held, and the simulator's sum of them ({@link HoldDao#HELD_NOW}), agree with
 * {@code quota.held_units}, the rule's home, which Citus cannot call per row of a multi-shard
 * query. The strategy's promises are the shared contract
 * suite's ({@code ConsumptionStrategyContractTest}, {@code group-commit/citus-form}).
 */
class CitusBatchStatementsTest {

    private static final LocalDate DAY = LocalDate.of(2026, 7, 1);

    @RegisterExtension
    final FreshDatabase db = new FreshDatabase();

    private void hold(UserKey user, String requestId, LocalDate day, int units, String state, String expiresIn) {
        db.jdbi().useHandle(handle -> handle.createUpdate("""
                        INSERT INTO quota_holds (user_id, request_id, quota_date, units, state, expires_at)
                        VALUES (:u, :r, :day, :units, :state, clock_timestamp() + CAST(:in AS interval))
                        """)
                .bind("u", user).bind("r", requestId).bind("day", day).bind("units", units).bind("state", state).bind("in", expiresIn)
                .execute());
    }

    private int heldUnits(UserKey user, LocalDate day) {
        return db.jdbi().withHandle(handle -> handle.createQuery("SELECT held_units(:u, :day)").bind("u", user).bind("day", day)
                .mapTo(Integer.class).one());
    }

    @Test
    void givenHoldsInEveryStateAndDay_whenABatchLocksItsCounters_thenEachReadsTheUnitsHeldUnitsCounts() {
        UserKey holding = db.fixtures().subscribedUser(10);
        UserKey other = db.fixtures().subscribedUser(10);
        UserKey none = db.fixtures().subscribedUser(10);
        hold(holding, "live-1", DAY, 2, "held", "1 hour");
        hold(holding, "live-2", DAY, 1, "held", "1 hour");
        hold(holding, "expired", DAY, 4, "held", "-1 second");
        hold(holding, "settled", DAY, 5, "settled", "1 hour");
        hold(holding, "released", DAY, 6, "released", "1 hour");
        hold(holding, "yesterday", DAY.minusDays(1), 7, "held", "1 hour");
        hold(other, "other", DAY, 3, "held", "1 hour");
        List<DayKey> keys = List.of(new DayKey(none, DAY), new DayKey(other, DAY), new DayKey(holding, DAY), new DayKey(holding, DAY.minusDays(1)));

        Map<DayKey, Locked> locked = db.jdbi().inTransaction(handle -> CitusBatchStatements.lock(handle.getConnection(), keys));

        assertThat(locked).hasSize(4);
        for (DayKey key : keys) {
            assertThat(locked.get(key).held()).as("held on %s", key).isEqualTo(heldUnits(key.userId(), key.day()));
            assertThat(locked.get(key).used()).as("a day's first counter, made at 0").isZero();
        }
        assertThat(locked.get(new DayKey(holding, DAY)).held()).isEqualTo(3);
    }

    @Test
    void givenHoldsInEveryState_whenTheUnitsHeldNowAreSummed_thenTheyAreWhatHeldUnitsCountsOverEveryCounter() {
        UserKey holding = db.fixtures().subscribedUser(10);
        UserKey other = db.fixtures().subscribedUser(10);
        hold(holding, "live", DAY, 2, "held", "1 hour");
        hold(holding, "expired", DAY, 4, "held", "-1 second");
        hold(holding, "settled", DAY, 5, "settled", "1 hour");
        hold(holding, "yesterday", DAY.minusDays(1), 7, "held", "1 hour");
        hold(other, "other", DAY, 3, "held", "1 hour");

        long summed = db.jdbi().withHandle(handle -> handle.attach(HoldDao.class).unitsHeldNow());

        assertThat(summed).isEqualTo(heldUnits(holding, DAY) + heldUnits(holding, DAY.minusDays(1)) + heldUnits(other, DAY)).isEqualTo(12);
    }
}
