package dev.quota.reconciler;

import dev.quota.core.QuotaException;
import dev.quota.core.db.Database;
import dev.quota.core.db.StandbyReplay;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the job scans the day ledgers. On the primary by default; or on a hot standby of
 * it, the read URL, which takes the scan's weight off the primary while every write (the
 * job repository, runs, findings, repairs) still goes to the primary. Before the scan, the
 * standby must have replayed what the primary had committed when the run started
 * ({@link StandbyReplay}), within {@code catchUpBound}; when it has not, the run fails with
 * {@code standby_behind}, or scans the primary if {@code primaryWhenBehind}.
 *
 * @param standby the read URL's database, which the caller owns; empty: scan the primary
 */
public record ScanSource(Optional<Database> standby, Duration catchUpBound, boolean primaryWhenBehind) {

    public static final ScanSource PRIMARY = new ScanSource(Optional.empty(), Duration.ZERO, false);

    public ScanSource {
        if (catchUpBound.isNegative()) {
            throw QuotaException.invalidInput("the standby wait must not be negative, got " + catchUpBound);
        }
    }

    public static ScanSource standby(Database standby, Duration catchUpBound, boolean primaryWhenBehind) {
        return new ScanSource(Optional.of(standby), catchUpBound, primaryWhenBehind);
    }

    /** The read URL if one is given, else the primary. */
    public static ScanSource of(Optional<Database> standby, Duration catchUpBound, boolean primaryWhenBehind) {
        return standby.map(database -> standby(database, catchUpBound, primaryWhenBehind)).orElse(PRIMARY);
    }
}
