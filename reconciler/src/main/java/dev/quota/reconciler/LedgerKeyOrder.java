package dev.quota.reconciler;

import dev.quota.core.UserKey;
import dev.quota.core.UserKeyType;
import java.util.Comparator;

/**
 * The order of user keys in which the merged scan's two statements are sorted by the
 * database and merged by the job: both sides must agree, so it is written here once, as SQL
 * and as a comparator. The one query reads in the same order, so that a run restarted by
 * position (Spring Batch's read count) reads the same rows whichever scan resumes it. Whole numbers compare as numbers; uuids as PostgreSQL compares them,
 * their 16 bytes unsigned; text keys bytewise ({@code COLLATE "C"}, UTF-8: code point order),
 * since a database collation's order is not one Java can reproduce.
 */
final class LedgerKeyOrder {

    static final Comparator<UserKey> KEYS = LedgerKeyOrder::compare;

    private LedgerKeyOrder() {
    }

    /** {@code column} as an ORDER BY expression in this order. */
    static String sql(UserKeyType keyType, String column) {
        return keyType == UserKeyType.TEXT ? column + " COLLATE \"C\"" : column;
    }

    private static int compare(UserKey a, UserKey b) {
        if (a instanceof UserKey.Whole x && b instanceof UserKey.Whole y) {
            return Long.compare(x.value(), y.value());
        }
        if (a instanceof UserKey.Uuid x && b instanceof UserKey.Uuid y) {
            int high = Long.compareUnsigned(x.value().getMostSignificantBits(), y.value().getMostSignificantBits());
            return high != 0 ? high : Long.compareUnsigned(x.value().getLeastSignificantBits(), y.value().getLeastSignificantBits());
        }
        if (a instanceof UserKey.Text x && b instanceof UserKey.Text y) {
            return codePoints(x.value(), y.value());
        }
        throw new IllegalArgumentException("keys of two types: " + a.type() + " and " + b.type());
    }

    private static int codePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }
}
