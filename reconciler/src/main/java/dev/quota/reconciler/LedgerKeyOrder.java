package dev.quota.reconciler;

import dev.quota.core.UserKey;
import dev.quota.core.UserKeyType;
import java.util.Comparator;

/**
 * The order of user keys in which the merged scan's two statements are sorted by the
 * database and merged by the job: both sides must agree, so it is written here once, as SQL
 * and as a comparator. The one query reads in the same order, so that a run restarted by
 * position (Spring Batch's read count) reads the same rows whichever scan resumes it. The
 * comparator is {@link UserKey#ORDER}; text keys are sorted by the database {@code COLLATE "C"}
 * to match it, since a database collation's order is not one Java can reproduce.
 */
final class LedgerKeyOrder {

    static final Comparator<UserKey> KEYS = UserKey.ORDER;

    private LedgerKeyOrder() {
    }

    /** {@code column} as an ORDER BY expression in this order. */
    static String sql(UserKeyType keyType, String column) {
        return keyType == UserKeyType.TEXT ? column + " COLLATE \"C\"" : column;
    }
}
