package dev.quota.core.db;

import dev.quota.core.QuotaStatus;
import dev.quota.core.UserKeyType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SQL API's functions as deployed ({@code quota.consume}, {@code quota.status} and the
 * {@code quota.day_limit} they read): their current text, rendered for the product's key
 * type, so that a product keyed by {@code uuid} calls {@code quota.consume(uuid, …)}. The
 * earlier migrations keep the texts they ran; this is the one home of the current ones.
 */
public final class SqlApi {

    /** A function of the API: its name and the argument types after the user key. */
    public enum Function {
        CONSUME("consume", "integer, text, timestamptz"),
        STATUS("status", "date"),
        DAY_LIMIT("day_limit", "date, boolean"),
        HELD_UNITS("held_units", "date"),
        RESERVE("reserve", "integer, text, interval, timestamptz"),
        SETTLE("settle", "text, integer"),
        RELEASE("release", "text");

        private final String name;
        private final String otherArguments;

        Function(String name, String otherArguments) {
            this.name = name;
            this.otherArguments = otherArguments;
        }

        /** Its signature for a product keyed by {@code keyType}, for DROP, GRANT and Citus. */
        public String signature(UserKeyType keyType) {
            return name + "(" + keyType.sqlType() + ", " + otherArguments + ")";
        }
    }

    /** The functions a backend calls. */
    public static final List<Function> CALLED_BY_BACKENDS = List.of(Function.CONSUME, Function.STATUS, Function.RESERVE, Function.SETTLE,
            Function.RELEASE);

    private static final String SQL_API = "dev/quota/core/db/sql-api/";

    private SqlApi() {
    }

    /**
     * The statements that make the API take {@code keyType}: the signatures of any other key
     * type dropped, then each function created or replaced. Run in the migration's transaction.
     * With {@code holds} (V10 on), admission counts the units held and reserve, settle and
     * release are there; without (V9), the held units are 0 and there is no table to read.
     */
    public static List<String> ddl(Schemas schemas, UserKeyType keyType, boolean holds) {
        List<String> statements = new ArrayList<>();
        // the read contract's views may be written after this runs: the bodies are checked when called
        statements.add("SET LOCAL check_function_bodies = off");
        for (UserKeyType other : UserKeyType.values()) {
            if (other != keyType) {
                for (Function function : Function.values()) {
                    statements.add("DROP FUNCTION IF EXISTS " + schemas.inToolkit(function.signature(other)));
                }
            }
        }
        // its result gained held (V10), which CREATE OR REPLACE cannot change: made again. A read
        // that began under the old one and runs past this commit fails once; status writes nothing
        statements.add("DROP FUNCTION IF EXISTS " + schemas.inToolkit(Function.STATUS.signature(keyType)));
        functions(schemas, keyType, holds).values().forEach(statements::add);
        return statements;
    }

    /**
     * Each function's CREATE OR REPLACE as this release renders it for the current schema
     * (V10 on), in the order they can be created: what the deployed functions must be
     * ({@link DeployedFunctions} compares and re-renders them).
     */
    public static Map<Function, String> current(Schemas schemas, UserKeyType keyType) {
        return functions(schemas, keyType, true);
    }

    /** With {@code holds} the current functions; without, V9's: no holds to count, no table to read them from. */
    private static Map<Function, String> functions(Schemas schemas, UserKeyType keyType, boolean holds) {
        Map<Function, String> functions = new LinkedHashMap<>();
        functions.put(Function.DAY_LIMIT, DayLimitFunction.ddl(schemas, keyType));
        if (holds) {
            functions.put(Function.HELD_UNITS, render("held_units.sql", schemas, keyType, true));
        }
        functions.put(Function.STATUS, render("status.sql", schemas, keyType, holds));
        functions.put(Function.CONSUME, render("consume.sql", schemas, keyType, holds));
        if (holds) {
            functions.put(Function.RESERVE, render("reserve.sql", schemas, keyType, true));
            functions.put(Function.SETTLE, render("settle.sql", schemas, keyType, true));
            functions.put(Function.RELEASE, render("release.sql", schemas, keyType, true));
        }
        return functions;
    }

    private static String render(String file, Schemas schemas, UserKeyType keyType, boolean holds) {
        // the checks of units and request id that consume and reserve share, named after the function
        String checks = SchemaMigrator.read(SQL_API + "units-and-request-id.sql").stripTrailing()
                .replace("${function}", "quota." + file.replace(".sql", ""));
        return SchemaMigrator.read(SQL_API + file)
                .replace("${check_units_and_request_id}", checks)
                // first: the held units name the toolkit's schema too
                .replace("${held}", holds ? "${toolkit_schema}.held_units(p_user_id, v_day)" : "0")
                .replace("${toolkit_schema}", schemas.toolkit())
                .replace("${product_schema}", schemas.product())
                .replace("${user_key}", keyType.sqlType())
                .transform(SqlApi::renderRemaining)
                .strip();
    }

    private static final Pattern REMAINING = Pattern.compile("\\$\\{remaining:([^|}]+)\\|([^|}]+)\\|([^|}]+)}");

    /** {@code ${remaining:limit|consumed|held}}: the rule of what is left, from its one home ({@link QuotaStatus#remainingSql}). */
    private static String renderRemaining(String text) {
        return REMAINING.matcher(text).replaceAll(found -> Matcher.quoteReplacement(
                QuotaStatus.remainingSql(found.group(1), found.group(2), found.group(3))));
    }
}
