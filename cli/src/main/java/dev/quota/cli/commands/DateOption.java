package dev.quota.cli.commands;

import dev.quota.core.QuotaDay;
import java.time.Clock;
import picocli.CommandLine.Option;

/** {@code --date YYYY-MM-DD}: the UTC quota day a command is about, today by default. */
public final class DateOption {

    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "UTC quota day (default: today, UTC)")
    String date;

    public QuotaDay day(Clock clock) {
        return date == null ? QuotaDay.today(clock) : QuotaDay.parse(date);
    }

    public boolean given() {
        return date != null;
    }
}
