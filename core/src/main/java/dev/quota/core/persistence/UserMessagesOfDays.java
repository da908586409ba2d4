package dev.quota.core.persistence;

/**
 * The count of user messages per user and UTC day, over a day range and a range of user keys:
 * the scan the nightly reconciliation makes through the read contract's
 * {@code user_messages}, and the one {@code quota db check} asks the planner about to judge
 * whether an index serves it. Positional parameters: from, to (dates), then the {@link KeyRange}'s four.
 */
public final class UserMessagesOfDays {

    public static final String SQL = """
            SELECT user_id, CAST(created_at AT TIME ZONE 'UTC' AS date) AS quota_date, count(*) AS messages
              FROM user_messages
             WHERE created_at >= CAST(? AS date) AT TIME ZONE 'UTC'
               AND created_at < (CAST(? AS date) + 1) AT TIME ZONE 'UTC'
               AND {key_range}
             GROUP BY 1, 2""".replace("{key_range}", KeyRange.PREDICATE);

    private UserMessagesOfDays() {
    }
}
