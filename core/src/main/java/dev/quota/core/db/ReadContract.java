package dev.quota.core.db;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import dev.quota.core.UserKeyType;
import dev.quota.core.persistence.PlainStatement;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * How the toolkit reads a chat product's data without owning it: three views with fixed
 * names and columns in the toolkit's schema, which a DBA can write for any layout, plus the
 * product's own counter table. Every read of users, plans and messages goes through the
 * views; the planner inlines them, so they cost nothing at run time. The views are
 * described here once: their columns for {@code quota db check}, their definitions on the
 * default layout (the stand-in's tables) for {@code quota db migrate}, and the template a
 * DBA edits ({@code quota db views --template}). See docs/read-contract.md.
 */
public final class ReadContract {

    /** The product's daily counters: read and repaired where the product keeps them. */
    public static final String COUNTERS = "user_daily_quota_usages";

    /** Which declared types a contract column accepts. */
    public enum TypeFamily {
        USER_KEY(UserKeyType.accepted()),
        WHOLE_NUMBER("an integer type"),
        TEXT("a text type"),
        TIMESTAMPTZ("timestamp with time zone"),
        DATE("date"),
        TIMESTAMP("a timestamp type");

        private final String description;

        TypeFamily(String description) {
            this.description = description;
        }

        boolean admits(String type, String category) {
            return switch (this) {
                case USER_KEY -> UserKeyType.ofDeclared(type).isPresent();
                case WHOLE_NUMBER -> UserKeyType.ofDeclared(type).orElse(null) == UserKeyType.WHOLE_NUMBER;
                case TEXT -> "S".equals(category);
                case TIMESTAMPTZ -> type.equals("timestamp with time zone");
                case DATE -> type.equals("date");
                case TIMESTAMP -> type.startsWith("timestamp");
            };
        }
    }

    public record Column(String name, String declared, TypeFamily family) {
        @Override
        public String toString() {
            return name + " " + declared;
        }
    }

    /** The three views, their columns, and their definition on the default layout ({@code %1$s}: the product schema). */
    public enum View {
        ACCOUNTS("accounts", "the product's users",
                List.of(new Column("user_id", "bigint", TypeFamily.USER_KEY), new Column("email", "text", TypeFamily.TEXT),
                        new Column("created_at", "timestamptz", TypeFamily.TIMESTAMPTZ)),
                "SELECT id, email, created_at FROM %1$s.users"),
        PLAN_PERIODS("plan_periods", "the periods in which a plan's daily limit applied to a user; ended_at is null while it still applies",
                List.of(new Column("user_id", "bigint", TypeFamily.USER_KEY), new Column("plan_code", "text", TypeFamily.TEXT),
                        new Column("daily_message_limit", "integer", TypeFamily.WHOLE_NUMBER),
                        new Column("started_at", "timestamptz", TypeFamily.TIMESTAMPTZ),
                        new Column("ended_at", "timestamptz", TypeFamily.TIMESTAMPTZ)),
                """
                SELECT s.user_id, p.code, p.daily_message_limit, s.started_at,
                       -- the active subscription still applies; one that ended without an end date never did
                       CASE WHEN s.status = 'active' THEN NULL ELSE COALESCE(s.ended_at, s.started_at) END
                  FROM %1$s.user_subscriptions s
                  JOIN %1$s.billing_plans p ON p.id = s.plan_id"""),
        USER_MESSAGES("user_messages", "the user messages that count against the quota; request_id may be null",
                List.of(new Column("user_id", "bigint", TypeFamily.USER_KEY),
                        new Column("created_at", "timestamptz", TypeFamily.TIMESTAMPTZ),
                        new Column("request_id", "text", TypeFamily.TEXT)),
                "SELECT user_id, created_at, request_id FROM %1$s.chat_messages WHERE role = 'user'");

        private final String viewName;
        private final String meaning;
        private final List<Column> columns;
        private final String defaultQuery;

        View(String viewName, String meaning, List<Column> columns, String defaultQuery) {
            this.viewName = viewName;
            this.meaning = meaning;
            this.columns = columns;
            this.defaultQuery = defaultQuery;
        }

        public String viewName() {
            return viewName;
        }

        public List<Column> columns() {
            return columns;
        }

        /** {@code CREATE VIEW} on the default layout: the column list fixes the names whatever the query calls them. */
        public String defaultDefinition(Schemas schemas) {
            return "CREATE VIEW " + schemas.inToolkit(viewName) + " ("
                    + columns.stream().map(Column::name).collect(Collectors.joining(", ")) + ") AS\n"
                    + defaultQuery.formatted(schemas.product()) + ";";
        }

        String missingLine(Schemas schemas) {
            return "view " + schemas.inToolkit(viewName) + " is missing: create it with columns (" + columnList()
                    + "); 'quota db views --template' prints a definition to edit";
        }

        String columnList() {
            return columns.stream().map(Column::toString).collect(Collectors.joining(", "));
        }
    }

    private static final List<Column> COUNTER_COLUMNS = List.of(
            new Column("user_id", "bigint", TypeFamily.USER_KEY), new Column("quota_date", "date", TypeFamily.DATE),
            new Column("used_count", "integer", TypeFamily.WHOLE_NUMBER), new Column("updated_at", "timestamptz", TypeFamily.TIMESTAMP));

    private ReadContract() {
    }

    /** The views, commented, for a DBA to edit: they read the default layout until edited. */
    public static String template(Schemas schemas) {
        StringBuilder text = new StringBuilder("""
                -- The read contract of the quota toolkit: three views in schema %1$s, read-only, with
                -- exactly these names and columns (any integer type for ids and counts, any text type
                -- for text). Edit each SELECT to read your own tables; keep the views simple joins and
                -- filters so that the planner inlines them. Counters are read and repaired in
                -- %2$s.%3$s (user_id, quota_date, used_count, updated_at), which needs a unique key on
                -- (user_id, quota_date). Then run: quota db check
                CREATE SCHEMA IF NOT EXISTS %1$s;
                """.formatted(schemas.toolkit(), schemas.product(), COUNTERS));
        for (View view : View.values()) {
            text.append("\n-- ").append(view.viewName).append(": ").append(view.meaning).append("\n-- (")
                    .append(view.columnList()).append(")\n").append(view.defaultDefinition(schemas)).append('\n');
        }
        return text.toString();
    }

    /**
     * Creates each view that does not exist yet, where the default layout's tables are there
     * to define it; never replaces one. Returns one line per view still missing, saying how
     * to write it. Runs in the handle's transaction: roll it back for a dry run.
     */
    public static Outcome createDefaultViews(Handle handle, Schemas schemas) {
        List<String> created = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (View view : View.values()) {
            if (exists(handle, schemas.inToolkit(view.viewName))) {
                continue;
            }
            String definition = view.defaultDefinition(schemas);
            handle.savepoint(view.viewName);
            try {
                handle.execute(definition);
                handle.release(view.viewName);
                created.add(definition);
            } catch (UnableToExecuteStatementException notTheDefaultLayout) {
                handle.rollbackToSavepoint(view.viewName);
                missing.add(view.missingLine(schemas));
            }
        }
        return new Outcome(created, missing);
    }

    /** The views created (their SQL) and the lines for those still missing. */
    public record Outcome(List<String> created, List<String> missing) {
    }

    private static boolean exists(Handle handle, String qualifiedName) {
        return handle.createQuery("SELECT to_regclass(:name) IS NOT NULL").bind("name", qualifiedName).mapTo(Boolean.class).one();
    }

    /** One thing that keeps the contract from holding, with the relation it concerns (schema-qualified). */
    public record Problem(String relation, String line) {
    }

    /** The lines of {@link #problemsByRelation}. */
    public static List<String> problems(Handle handle, Schemas schemas) {
        return problems(handle.getConnection(), schemas);
    }

    private static List<String> problems(Connection connection, Schemas schemas) {
        return problemsByRelation(connection, schemas).stream().map(Problem::line).toList();
    }

    /**
     * What keeps this database from serving the toolkit, one problem each, from the catalog
     * alone (no scan, no plan): views and counter table with their columns and types, the
     * counters' unique key. Empty when the contract holds.
     */
    public static List<Problem> problemsByRelation(Handle handle, Schemas schemas) {
        return problemsByRelation(handle.getConnection(), schemas);
    }

    private static final PlainStatement CATALOG_COLUMNS = new PlainStatement("""
            SELECT n.nspname || '.' || c.relname, a.attname, format_type(a.atttypid, NULL), t.typcategory
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
              LEFT JOIN pg_type t ON t.oid = a.atttypid
             WHERE (n.nspname = :toolkit AND c.relname = ANY(:toolkitRelations)) OR (n.nspname = :product AND c.relname = :counters)
            """);

    /** As {@link #problemsByRelation(Handle, Schemas)}, on a plain connection: what a one-shot read checks, without Jdbi. */
    public static List<Problem> problemsByRelation(Connection connection, Schemas schemas) {
        Map<String, Map<String, String[]>> relations = new HashMap<>();
        Map<String, Object> values = Map.of("toolkit", schemas.toolkit(), "product", schemas.product(), "counters", COUNTERS,
                "toolkitRelations", Stream.concat(Arrays.stream(View.values()).map(View::viewName), UserKeySchema.KEYED_TABLES.stream())
                        .toArray(String[]::new));
        CATALOG_COLUMNS.list(connection, values, rs -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)})
                .forEach(row -> {
                    Map<String, String[]> columns = relations.computeIfAbsent(row[0], name -> new HashMap<>());
                    if (row[1] != null) {
                        columns.put(row[1], new String[] {row[2], row[3]});
                    }
                });
        List<Problem> problems = new ArrayList<>();
        for (View view : View.values()) {
            String name = schemas.inToolkit(view.viewName);
            Map<String, String[]> columns = relations.get(name);
            if (columns == null) {
                problems.add(new Problem(name, view.missingLine(schemas)));
            } else {
                columnProblems("view " + name, columns, view.columns).forEach(line -> problems.add(new Problem(name, line)));
            }
        }
        String counters = schemas.inProduct(COUNTERS);
        Map<String, String[]> columns = relations.get(counters);
        if (columns == null) {
            problems.add(new Problem(counters, "counter table " + counters + " is missing: the product keeps its daily counters there "
                    + "(set QUOTA_PRODUCT_SCHEMA if its schema is not " + schemas.product() + ")"));
            return problems;
        }
        List<String> columnProblems = columnProblems("counter table " + counters, columns, COUNTER_COLUMNS);
        columnProblems.forEach(line -> problems.add(new Problem(counters, line)));
        if (problems.isEmpty()) {
            problems.addAll(keyProblems(schemas, relations));
        }
        if (columnProblems.isEmpty() && !hasUniqueDayKey(connection, counters)) {
            problems.add(new Problem(counters, "counter table " + counters + " has no unique key on (user_id, quota_date), which "
                    + "creates a counter once per user and day; add one: CREATE UNIQUE INDEX CONCURRENTLY " + COUNTERS + "_user_day ON "
                    + counters + " (user_id, quota_date);"));
        }
        return problems;
    }

    /**
     * Every {@code user_id} of the contract is of one key type, the counters' ({@link UserKeyType}),
     * and the toolkit's keyed tables are of it too ({@code quota db migrate} keyed them so), read
     * from the same catalog rows as the columns: no query of its own.
     */
    private static List<Problem> keyProblems(Schemas schemas, Map<String, Map<String, String[]>> relations) {
        String counters = schemas.inProduct(COUNTERS);
        String counterType = relations.get(counters).get("user_id")[0];
        UserKeyType keyType = UserKeyType.ofDeclared(counterType).orElseThrow();
        List<Problem> problems = new ArrayList<>();
        for (View view : View.values()) {
            String name = schemas.inToolkit(view.viewName);
            String type = relations.get(name).get("user_id")[0];
            if (UserKeyType.ofDeclared(type).orElseThrow() != keyType) {
                problems.add(new Problem(name, "view " + name + " column user_id is " + type + " but the counter table's is "
                        + counterType + ": every user_id of the contract must be one key type"));
            }
        }
        for (String table : UserKeySchema.KEYED_TABLES) {
            String name = schemas.inToolkit(table);
            String[] column = relations.getOrDefault(name, Map.of()).get("user_id");
            if (column != null && UserKeyType.ofDeclared(column[0]).orElse(null) != keyType) {
                problems.add(new Problem(name, "table " + name + " column user_id is " + column[0] + " but the counter table's is "
                        + counterType + ": run 'quota db migrate' (docs/read-contract.md#user-keys)"));
            }
        }
        return problems;
    }

    private static List<String> columnProblems(String relation, Map<String, String[]> columns, List<Column> wanted) {
        List<String> problems = new ArrayList<>();
        for (Column column : wanted) {
            String[] found = columns.get(column.name());
            if (found == null) {
                problems.add(relation + " has no column " + column.name() + " (" + column.family().description + ")");
            } else if (!column.family().admits(found[0], found[1])) {
                problems.add(relation + " column " + column.name() + " is " + found[0] + "; the contract needs "
                        + column.family().description);
            }
        }
        return problems;
    }

    private static final PlainStatement HAS_UNIQUE_DAY_KEY = new PlainStatement("""
            SELECT EXISTS (
                SELECT 1 FROM pg_index i
                 WHERE i.indrelid = to_regclass(:counters) AND i.indisunique AND i.indpred IS NULL
                   AND i.indnkeyatts = 2 AND i.indexprs IS NULL
                   AND (SELECT array_agg(a.attname::text ORDER BY a.attname::text) FROM pg_attribute a
                         WHERE a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)) = ARRAY['quota_date', 'user_id'])
            """);

    private static boolean hasUniqueDayKey(Connection connection, String counters) {
        return HAS_UNIQUE_DAY_KEY.one(connection, Map.of("counters", counters), row -> row.getBoolean(1));
    }

    /**
     * Fails with {@code schema_mismatch} unless the toolkit's schema is migrated and the read
     * contract holds: what every command checks before it reads or writes anything.
     */
    public static void requireUsable(Handle handle, Schemas schemas) {
        requireUsable(handle.getConnection(), schemas);
    }

    /** As {@link #requireUsable(Handle, Schemas)}, on a plain connection. */
    public static void requireUsable(Connection connection, Schemas schemas) {
        int applied = SchemaVersion.applied(connection, schemas);
        if (applied < SchemaVersion.LATEST) {
            throw new QuotaException(ErrorCode.SCHEMA_MISMATCH, "the " + schemas.toolkit() + " schema is "
                    + (applied == 0 ? "not installed" : "at version " + applied + " of " + SchemaVersion.LATEST)
                    + ": run 'quota db migrate'", Map.of("schema", schemas.toolkit()));
        }
        List<String> problems = problems(connection, schemas);
        if (!problems.isEmpty()) {
            throw new QuotaException(ErrorCode.SCHEMA_MISMATCH, problems.get(0)
                    + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more: 'quota db check' lists them)" : ""),
                    Map.of("problems", problems));
        }
    }
}
