package dev.quota.cli.commands;

import dev.quota.cli.Output;
import dev.quota.cli.ExitCodes;
import dev.quota.cli.Invocation;
import dev.quota.cli.RequestIdOption;
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
 * a before/after view, a dry run that writes nothing, and a confirmation for the kinds that
 * {@linkplain AdjustmentKind#needsConfirmation() need one}, asked only on a terminal.
 */
public final class AdjustmentOptions {

    private final Invocation invocation;

    AdjustmentOptions(Invocation invocation) {
        this.invocation = invocation;
    }

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why: written to the audit trail (required, at most 500 characters)")
    String reason;

    @Mixin
    DateOption date;

    @Option(names = "--dry-run", description = "Show the before/after without writing anything")
    boolean dryRun;

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation (required when stdin is not a terminal)")
    boolean yes;

    @Option(names = "--actor", paramLabel = "NAME", description = "Who makes the change, for the audit trail (default: the OS user name; at most 100 characters)")
    String actor;

    @Mixin
    RequestIdOption requestId;

    int apply(AdjustmentKind kind, String user, int amount) {
        String who = actor != null && !actor.isBlank() ? actor.strip() : invocation.world().osUser();
        AdjustmentRequest request = new AdjustmentRequest(kind, user, date.day(invocation.clock()), amount, reason,
                who, invocation.requestId(), dryRun);
        if (kind.needsConfirmation() && !dryRun && !yes) {
            confirm(kind, request);
        }
        Adjustment adjustment = invocation.oneConnectionSession().adjustments().adjust(request);
        Output output = invocation.output();
        output.result(Views.Adjusted.of(adjustment), adjustment::requestId, out -> {
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
        return ExitCodes.OK;
    }

    private void confirm(AdjustmentKind kind, AdjustmentRequest request) {
        if (!invocation.world().interactive()) {
            throw new ParameterException(mixee.commandLine(),
                    kind.code() + " changes usage irreversibly and stdin is not a terminal: pass --yes to confirm");
        }
        var err = mixee.commandLine().getErr();
        err.print("About to " + kind.code() + " the quota of user " + request.userRef() + " on " + request.day()
                + " (reason: " + request.reason() + "). Continue? [y/N] ");
        err.flush();
        try {
            String answer = invocation.world().stdin().readLine();
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
