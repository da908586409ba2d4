package dev.quota.core.persistence;

import dev.quota.core.UserKey;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/**
 * The SQL API's hold functions ({@code quota.reserve}, {@code quota.settle},
 * {@code quota.release}) as the Java chat paths call them, in the caller's transaction, with
 * their rows as records. The rules live in the functions (docs/sql-api.md), so that a backend
 * in any language and the Java paths hold by the same code.
 */
public final class HoldFunctions {

    /** {@code quota.reserve}'s row. {@code code} is null when accepted, else why not. */
    public record Reserved(boolean accepted, boolean replayed, String code, Integer dailyLimit, Integer consumed, Integer held,
                           Integer remaining, Instant resetAt, Instant expiresAt) {
    }

    /** {@code quota.settle}'s row: {@code charged} units were added to the hold's day. */
    public record Settled(boolean settled, boolean replayed, String code, int charged, Integer dailyLimit, Integer consumed,
                          Integer held, Integer remaining, Instant resetAt) {
    }

    /** {@code quota.release}'s row. */
    public record Released(boolean released, boolean replayed, String code, Integer units, Instant expiresAt) {
    }

    private HoldFunctions() {
    }

    /** Holds {@code units} of the UTC day of {@code at} for {@code ttl} at most. */
    public static Reserved reserve(Handle handle, UserKey user, int units, String requestId, Duration ttl, Instant at) {
        return handle.createQuery("""
                        SELECT accepted, replayed, code, daily_limit, consumed, held, remaining, reset_at, expires_at
                          FROM reserve(:user, :units, :requestId, CAST(:ttl AS interval), CAST(:at AS timestamptz))""")
                .bind("user", user).bind("units", units).bind("requestId", requestId)
                .bind("ttl", ttl.toMillis() + " milliseconds").bind("at", at.atOffset(ZoneOffset.UTC).toString())
                .map(ConstructorMapper.of(Reserved.class)).one();
    }

    /** Charges what the reply used to the hold's day and frees the rest; the caller stores the messages beside it. */
    public static Settled settle(Handle handle, UserKey user, String requestId, int unitsUsed) {
        return handle.createQuery("""
                        SELECT settled, replayed, code, charged, daily_limit, consumed, held, remaining, reset_at
                          FROM settle(:user, :requestId, :units)""")
                .bind("user", user).bind("requestId", requestId).bind("units", unitsUsed)
                .map(ConstructorMapper.of(Settled.class)).one();
    }

    /** Frees a whole hold. */
    public static Released release(Handle handle, UserKey user, String requestId) {
        return handle.createQuery("SELECT released, replayed, code, units, expires_at FROM release(:user, :requestId)")
                .bind("user", user).bind("requestId", requestId)
                .map(ConstructorMapper.of(Released.class)).one();
    }
}
