package dev.quota.cli.commands;

import dev.quota.cli.ExitCodes;
import dev.quota.cli.Invocation;
import dev.quota.core.db.Database;
import dev.quota.core.db.RoleGrants;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "grants", mixinStandardHelpOptions = true,
        description = {"Print the GRANT statements of a least-privileged role: support and the nightly job by default,",
                "or with --read-only only show, history, top and reconcile in report mode. Runs nothing."})
final class DbGrantsCommand implements Callable<Integer> {

    private final Invocation invocation;

    DbGrantsCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Option(names = "--role", required = true, paramLabel = "NAME", description = "The role to grant to (it must exist)")
    String role;

    @Option(names = "--read-only", description = "Only what reading and reconciling in report mode need")
    boolean readOnly;

    record Grants(String role, boolean readOnly, List<String> statements) {
    }

    @Override
    public Integer call() {
        Database database = invocation.session(false).database();
        List<String> statements = database.jdbi().withHandle(handle ->
                RoleGrants.statements(handle, database.config().schemas(), role, readOnly));
        invocation.output().result(new Grants(role, readOnly, statements), invocation.requestId(), out -> statements.forEach(out::println));
        return ExitCodes.OK;
    }
}
