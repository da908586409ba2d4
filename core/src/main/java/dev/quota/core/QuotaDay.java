package dev.quota.core;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;

/**
 * The quota day: a UTC calendar date. Every rule about when a day starts, when it resets
 * and which day an instant belongs to lives here, so that the service, the CLI and the
 * reconciler cannot disagree about a message sent at 23:59:59.999999Z.
 */
public record QuotaDay(LocalDate date) implements Comparable<QuotaDay> {

    private static final DateTimeFormatter ISO_DATE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);

    /** Days the toolkit accepts as input; anything outside is a typo, not a quota day. */
    public static final LocalDate EARLIEST = LocalDate.of(2000, 1, 1);
    public static final LocalDate LATEST = LocalDate.of(2999, 12, 31);

    public QuotaDay {
        if (date == null) {
            throw QuotaException.invalidInput("a quota day needs a date");
        }
        if (date.isBefore(EARLIEST) || date.isAfter(LATEST)) {
            throw QuotaException.invalidInput("date " + date + " is outside " + EARLIEST + ".." + LATEST);
        }
    }

    /** The day that contains this instant, in UTC. */
    public static QuotaDay of(Instant instant) {
        return new QuotaDay(LocalDate.ofInstant(instant, ZoneOffset.UTC));
    }

    public static QuotaDay of(LocalDate date) {
        return new QuotaDay(date);
    }

    public static QuotaDay today(Clock clock) {
        return of(clock.instant());
    }

    /**
     * Parses a strict {@code YYYY-MM-DD} calendar date. Timestamps, offsets and impossible
     * dates (2026-02-30) are refused rather than silently mapped to some day.
     */
    public static QuotaDay parse(String text) {
        if (text == null || text.isBlank()) {
            throw QuotaException.invalidInput("a date is required (YYYY-MM-DD, UTC)");
        }
        try {
            return new QuotaDay(LocalDate.parse(text.strip(), ISO_DATE));
        } catch (DateTimeException e) {
            throw QuotaException.invalidInput("'" + text + "' is not a UTC calendar date (expected YYYY-MM-DD)");
        }
    }

    /** The first instant of the day: 00:00:00Z. */
    public Instant startsAt() {
        return date.atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    /** When the day's quota resets: the next UTC midnight, exclusive end of the day. */
    public Instant resetAt() {
        return next().startsAt();
    }

    public boolean contains(Instant instant) {
        return !instant.isBefore(startsAt()) && instant.isBefore(resetAt());
    }

    public QuotaDay next() {
        return new QuotaDay(date.plusDays(1));
    }

    public QuotaDay previous() {
        return new QuotaDay(date.minusDays(1));
    }

    public QuotaDay minusDays(long days) {
        return new QuotaDay(date.minusDays(days));
    }

    @Override
    public int compareTo(QuotaDay other) {
        return date.compareTo(other.date);
    }

    @Override
    public String toString() {
        return date.toString();
    }
}
