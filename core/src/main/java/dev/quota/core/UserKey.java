package dev.quota.core;

import java.util.UUID;

/**
 * A user's key as the product writes it: a whole number, a {@code uuid}, or a text id (an
 * identity provider's subject). One value type from the command line to the database, so
 * that no layer assumes numbers. Bound to SQL as its own type ({@link #sqlValue()}) and
 * printed as the product writes it ({@link #toString()}); JSON writes a whole number as a
 * number and the others as strings ({@link #jsonValue()}).
 */
public sealed interface UserKey {

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
}
