package dev.quota.cli.commands;

import dev.quota.cli.Output;
import dev.quota.cli.QuotaCommand;
import dev.quota.cli.TextTable;
import dev.quota.core.Adjustment;
import dev.quota.core.AdjustmentKind;
import dev.quota.core.AdjustmentRequest;
import dev.quota.core.QuotaStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options every audited adjustment shares, and the one way they are applied and shown:
 * a before/after view, a dry run that writes nothing, and a confirmation for the
 * destructive kinds that is asked only on a terminal.
 */
public final class AdjustmentOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why: written to the audit trail (required)")
    String reason;

    @Mixin
    DateOption date;

    @Option(names = "--dry-run", description = "Show the before/after without writing anything")
    boolean dryRun;

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation (required when stdin is not a terminal)")
    boolean yes;

    int apply(QuotaCommand root, AdjustmentKind kind, String user, int amount, boolean destructive) {
        AdjustmentRequest request = new AdjustmentRequest(kind, user, date.day(root.context().clock()), amount, reason,
                root.actor(), root.requestId(), dryRun);
        if (destructive && !dryRun && !yes) {
            confirm(root, kind, request);
        }
        Adjustment adjustment = root.session().service(root.strategyName()).adjust(request);
        Output output = root.output();
        output.result(Views.adjustment(adjustment), adjustment.requestId(), out -> {
            String title = adjustment.dryRun() ? "dry run, nothing written: " : adjustment.replayed() ? "already applied earlier (replayed): " : "";
            out.println(output.style("bold", title + kind.code() + " " + signed(adjustment.appliedDelta())
                    + (kind == AdjustmentKind.GRANT ? " to the limit" : " to usage")
                    + (adjustment.appliedDelta() != requestedDelta(kind, adjustment) ? " (requested " + adjustment.requested() + ", clamped)" : "")));
            TextTable table = new TextTable("", "limit", "consumed", "remaining");
            row(table, "before", adjustment.before());
            row(table, "after", adjustment.after());
            table.print(out);
            TextTable.keyValues(out, java.util.List.of(
                    new String[] {"User", adjustment.before().userId() + " <" + adjustment.before().email() + ">"},
                    new String[] {"Day", adjustment.before().day() + " (UTC)"},
                    new String[] {"Reason", adjustment.reason()},
                    new String[] {"Actor", adjustment.actor()},
                    new String[] {"Request", adjustment.requestId()}));
        });
        return 0;
    }

    private void confirm(QuotaCommand root, AdjustmentKind kind, AdjustmentRequest request) {
        if (!root.context().interactive()) {
            throw new ParameterException(mixee.commandLine(),
                    kind.code() + " changes usage irreversibly and stdin is not a terminal: pass --yes to confirm");
        }
        var err = mixee.commandLine().getErr();
        err.print("About to " + kind.code() + " the quota of user " + request.userRef() + " on " + request.day()
                + " (reason: " + request.reason() + "). Continue? [y/N] ");
        err.flush();
        try {
            String answer = root.context().stdin().readLine();
            if (answer == null || !answer.strip().toLowerCase(Locale.ROOT).matches("y|yes")) {
                throw new ParameterException(mixee.commandLine(), "not confirmed: nothing was changed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int requestedDelta(AdjustmentKind kind, Adjustment adjustment) {
        return switch (kind) {
            case GRANT, CHARGE -> adjustment.requested();
            case REFUND -> -adjustment.requested();
            default -> adjustment.appliedDelta();
        };
    }

    private static void row(TextTable table, String label, QuotaStatus status) {
        table.row(label, status.limit(), status.consumed(), status.remaining());
    }

    private static String signed(int delta) {
        return delta >= 0 ? "+" + delta : Integer.toString(delta);
    }
}
