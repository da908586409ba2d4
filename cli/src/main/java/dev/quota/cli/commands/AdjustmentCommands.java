package dev.quota.cli.commands;

import dev.quota.core.AdjustmentKind;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Support's five adjustments of a user's day, one shape: the user, the units where the kind
 * takes any, and {@link AdjustmentOptions} (day, reason, confirmation, audit). Each kind is a
 * subcommand named after its {@link AdjustmentKind#code()}, so that its help and completion say
 * what it does; what it does to the counter is the kind's.
 */
public final class AdjustmentCommands {

    private AdjustmentCommands() {
    }

    abstract static class Adjustment implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "USER", description = "User id or email")
        String user;

        @Mixin
        AdjustmentOptions adjustment;

        @Spec
        CommandSpec spec;

        /** The kind the command is named after. */
        AdjustmentKind kind() {
            return AdjustmentKind.fromCode(spec.name());
        }

        int units() {
            return 0;
        }

        @Override
        public Integer call() {
            return adjustment.apply(kind(), user, units());
        }
    }

    /** An adjustment by a number of units (grant, refund, charge) or to one (set). */
    abstract static class ByUnits extends Adjustment {

        @Parameters(index = "1", paramLabel = "N", description = "The units, as the description says")
        int units;

        @Override
        int units() {
            return units;
        }
    }

    @Command(name = "grant", mixinStandardHelpOptions = true,
            description = {"Grant N extra messages for a day, raising its limit, with an audit record."})
    public static final class Grant extends ByUnits {
    }

    @Command(name = "refund", mixinStandardHelpOptions = true,
            description = {"Give N consumed units back, with an audit record.", "Usage never goes below 0; the applied delta is recorded."})
    public static final class Refund extends ByUnits {
    }

    @Command(name = "charge", mixinStandardHelpOptions = true,
            description = {"Count N units against a day without storing a message, with an audit record.",
                    "Usage never exceeds the limit; the applied delta is recorded."})
    public static final class Charge extends ByUnits {
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Set a day's usage to exactly N, between 0 and the limit, with an audit record.",
                    "Asks for confirmation unless --yes."})
    public static final class Set extends ByUnits {
    }

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = {"Give a user the whole day back (usage to 0), with an audit record.", "Asks for confirmation unless --yes."})
    public static final class Reset extends Adjustment {
    }
}
