package dev.quota.cli.commands;

import dev.quota.cli.ExitCodes;
import dev.quota.cli.Invocation;
import dev.quota.core.db.Database;
import dev.quota.core.db.RoleGrants;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "grants", mixinStandardHelpOptions = true,
        description = {"Print the GRANT statements of a least-privileged role, and run nothing.",
                "By default the role of support and the nightly job; with --read-only only show, history, top and",
                "reconcile in report mode; with --chat-backend the product's backend calling quota.consume and",
                "quota.status (docs/sql-api.md)."})
final class DbGrantsCommand implements Callable<Integer> {

    private final Invocation invocation;

    DbGrantsCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Option(names = "--role", required = true, paramLabel = "NAME", description = "The role to grant to (it must exist)")
    String role;

    @ArgGroup(exclusive = true)
    Kind kind = new Kind();

    static final class Kind {
        @Option(names = "--read-only", description = "Only what reading and reconciling in report mode need")
        boolean readOnly;

        @Option(names = "--chat-backend", description = "What the product's backend needs to call quota.consume and quota.status")
        boolean chatBackend;

        RoleGrants.Kind value() {
            return readOnly ? RoleGrants.Kind.READ_ONLY : chatBackend ? RoleGrants.Kind.CHAT_BACKEND : RoleGrants.Kind.SUPPORT;
        }
    }

    record Grants(String role, String kind, List<String> statements) {
    }

    @Override
    public Integer call() {
        Database database = invocation.session(false).database();
        List<String> statements = database.jdbi().withHandle(handle ->
                RoleGrants.statements(handle, database.config().schemas(), role, kind.value()));
        invocation.output().result(new Grants(role, kind.value().name().toLowerCase(java.util.Locale.ROOT), statements), invocation::requestId, out -> statements.forEach(out::println));
        return ExitCodes.OK;
    }
}
