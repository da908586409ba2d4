package dev.quota.core.persistence;

import dev.quota.core.UserKey;
import java.util.Arrays;
import java.util.List;

/**
 * A range of user keys, {@code from} included and {@code until} not, either end open when
 * null: how the nightly job splits its scan for any key type, since text and uuid keys have
 * no successor to close a range on. {@link #PREDICATE} takes its four positional arguments,
 * {@link #arguments()}.
 */
public record KeyRange(UserKey from, UserKey until) {

    public static final KeyRange ALL = new KeyRange(null, null);

    /** The range's condition on {@code user_id}: an open end is a bound {@code true}, so the planner drops its comparison. */
    public static final String PREDICATE = "(? OR user_id >= ?) AND (? OR user_id < ?)";

    public List<Object> arguments() {
        return Arrays.asList(from == null, from == null ? null : from.sqlValue(), until == null, until == null ? null : until.sqlValue());
    }
}
