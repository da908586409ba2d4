package dev.quota.cli.commands;

import dev.quota.cli.Output;
import dev.quota.cli.QuotaCommand;
import dev.quota.core.AdjustmentKind;
import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaService;
import dev.quota.core.QuotaStatus;
import dev.quota.core.persistence.AdjustmentRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show a user's quota for a day: plan, limit, consumed, remaining, reset time (UTC) and the day's grants.")
public final class ShowCommand implements Callable<Integer> {

    @ParentCommand
    QuotaCommand root;

    @Parameters(index = "0", paramLabel = "USER", description = "User id or email")
    String user;

    @Mixin
    DateOption date;

    @Override
    public Integer call() {
        QuotaService service = root.session().service(root.strategyName());
        QuotaDay day = date.day(root.context().clock());
        QuotaStatus status = service.status(user, day);
        List<AdjustmentRow> grants = service.adjustments(user, day, day).stream()
                .filter(row -> row.kind().equals(AdjustmentKind.GRANT.code())).toList();
        Output output = root.output();
        Map<String, Object> data = Views.status(status);
        data.put("grants", grants.stream().map(Views::adjustment).toList());
        output.result(data, root.requestId(), out -> {
            List<String[]> lines = new ArrayList<>();
            lines.add(new String[] {"User", status.userId() + " <" + status.email() + ">"});
            lines.add(new String[] {"Plan", status.planCode() + " (" + status.planLimit() + " messages/day)"});
            lines.add(new String[] {"Day", status.day() + " (UTC)"});
            lines.add(new String[] {"Limit", status.limit() + (status.granted() == 0 ? ""
                    : "  (" + status.planLimit() + " plan + " + status.granted() + " granted)")});
            lines.add(new String[] {"Consumed", Integer.toString(status.consumed())});
            String remaining = Integer.toString(status.remaining());
            lines.add(new String[] {"Remaining", status.exhausted() ? output.style("bold,red", remaining + "  (exhausted)")
                    : output.style("bold,green", remaining)});
            lines.add(new String[] {"Resets at", status.resetAt() + "  (in " + Views.until(root.context().clock().instant(), status.resetAt()) + ")"});
            for (AdjustmentRow grant : grants) {
                lines.add(new String[] {"Grant", "+" + grant.appliedDelta() + " by " + grant.actor() + " at " + grant.createdAt()
                        + ": " + grant.reason()});
            }
            dev.quota.cli.TextTable.keyValues(out, lines);
        });
        return 0;
    }
}
