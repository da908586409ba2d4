package dev.quota.core;

import java.util.Comparator;
import java.util.UUID;

/**
 * A user's key as the product writes it: a whole number, a {@code uuid}, or a text id (an
 * identity provider's subject). One value type from the command line to the database, so
 * that no layer assumes numbers. Bound to SQL as its own type ({@link #sqlValue()}) and
 * printed as the product writes it ({@link #toString()}); JSON writes a whole number as a
 * number and the others as strings ({@link #jsonValue()}).
 */
public sealed interface UserKey {

    /**
     * Keys in the order PostgreSQL sorts their columns: whole numbers as numbers; uuids as
     * PostgreSQL compares them, their 16 bytes unsigned; text keys bytewise ({@code COLLATE "C"},
     * UTF-8: code point order). The merged scan of the nightly job and the lock order of a
     * batch on Citus are written in it.
     */
    Comparator<UserKey> ORDER = UserKey::compare;

    /** The value JDBC binds: a {@code Long}, a {@code UUID} or a {@code String}. */
    Object sqlValue();

    /** The value JSON writes: a {@code Long}, else the key's text. */
    Object jsonValue();

    /** Which kind of key this is. */
    UserKeyType type();

    /**
     * A 32-bit fold of the key for a transaction-scoped advisory lock: keys that fold alike
     * only wait for each other needlessly, never wrongly.
     */
    int lockFold();

    record Whole(long value) implements UserKey {
        @Override
        public Object sqlValue() {
            return value;
        }

        @Override
        public Object jsonValue() {
            return value;
        }

        @Override
        public UserKeyType type() {
            return UserKeyType.WHOLE_NUMBER;
        }

        @Override
        public int lockFold() {
            return (int) (value ^ (value >>> 32));
        }

        @Override
        public String toString() {
            return Long.toString(value);
        }
    }

    record Uuid(UUID value) implements UserKey {
        @Override
        public Object sqlValue() {
            return value;
        }

        @Override
        public Object jsonValue() {
            return value.toString();
        }

        @Override
        public UserKeyType type() {
            return UserKeyType.UUID;
        }

        @Override
        public int lockFold() {
            long folded = value.getMostSignificantBits() ^ value.getLeastSignificantBits();
            return (int) (folded ^ (folded >>> 32));
        }

        @Override
        public String toString() {
            return value.toString();
        }
    }

    record Text(String value) implements UserKey {
        @Override
        public Object sqlValue() {
            return value;
        }

        @Override
        public Object jsonValue() {
            return value;
        }

        @Override
        public UserKeyType type() {
            return UserKeyType.TEXT;
        }

        @Override
        public int lockFold() {
            return value.hashCode();
        }

        @Override
        public String toString() {
            return value;
        }
    }

    static UserKey of(long value) {
        return new Whole(value);
    }

    /** The key in a value JDBC read from a key column: {@code Long}, {@code Integer}, {@code UUID} or text. */
    static UserKey fromSql(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short) {
            return new Whole(((Number) value).longValue());
        }
        if (value instanceof UUID uuid) {
            return new Uuid(uuid);
        }
        if (value instanceof String text) {
            return new Text(text);
        }
        throw new IllegalArgumentException("a user key column gave a " + value.getClass().getName());
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
