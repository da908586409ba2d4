package dev.quota.core.db;

import dev.quota.core.persistence.KeyRange;
import dev.quota.core.persistence.UserMessagesOfDays;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * Judges, from the planner's own plan of the reconciler's scan ({@link UserMessagesOfDays})
 * through the read contract's {@code user_messages}, whether an index serves "the user
 * messages of a day". Sequential scans are disabled for the question, so that the plan shows
 * the best an index can do whatever the table's size: the day's time range must be an index
 * condition. When it is not, the advice is the exact statement to run, never run by itself
 * (building an index on a product table is the DBA's call).
 */
public final class DayScanIndex {

    private static final Pattern SCAN = Pattern.compile("(Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan)(?: Backward)?(?: using \\S+)? on (\\S+)(?: (\\S+))?");
    /** The day asked about: recognisable in the plan's conditions, as is the next one, its upper bound. */
    private static final LocalDate DAY = LocalDate.of(1999, 12, 31);
    private static final String FROM = "'1999-12-31'";
    private static final String UNTIL = "'2000-01-01'";

    private DayScanIndex() {
    }

    /** Empty when an index serves the scan; else one line with the {@code CREATE INDEX CONCURRENTLY} to run. */
    public static Optional<String> advice(Handle handle) {
        List<String> plan = handle.inTransaction(transaction -> {
            // on Citus the plan shown is a worker's: the setting must reach the workers too
            transaction.execute("SET LOCAL citus.propagate_set_commands = 'local'");
            transaction.execute("SET LOCAL enable_seqscan = off");
            var explain = transaction.createQuery("EXPLAIN (VERBOSE, COSTS OFF) " + UserMessagesOfDays.SQL).bind(0, DAY).bind(1, DAY);
            List<Object> allKeys = KeyRange.ALL.arguments();
            for (int i = 0; i < allKeys.size(); i++) {
                explain.bind(2 + i, allKeys.get(i));
            }
            List<String> lines = explain.mapTo(String.class).list();
            transaction.rollback();
            return lines;
        });
        String relation = null;
        String alias = null;
        for (String line : plan) {
            Matcher scan = SCAN.matcher(line);
            if (scan.find()) {
                relation = scan.group(2);
                alias = scan.group(3) != null ? scan.group(3) : relation.substring(relation.indexOf('.') + 1);
                continue;
            }
            String text = line.strip();
            if (!text.contains(FROM)) {
                continue;
            }
            if (text.startsWith("Index Cond:") || text.startsWith("Recheck Cond:")) {
                return Optional.empty();
            }
            if (text.startsWith("Filter:") && relation != null) {
                String prefix = alias + ".";
                String column = null;
                List<String> others = new ArrayList<>();
                for (String conjunct : conjuncts(text.substring("Filter:".length()).strip())) {
                    if (conjunct.contains(FROM) && conjunct.contains(" >= ")) {
                        column = conjunct.substring(0, conjunct.indexOf(" >= ")).replace("(", "").replace(prefix, "").strip();
                    } else if (!conjunct.contains(UNTIL) && !conjunct.contains(FROM)) {
                        others.add(conjunct.replace(prefix, ""));
                    }
                }
                if (column != null) {
                    // on Citus the plan shown is one worker's, on one shard: the index goes on the distributed table
                    relation = CitusDistribution.tableOfShard(handle, relation);
                    return Optional.of("no index serves the reconciler's scan of a day's user messages (" + relation
                            + " is filtered by the day, not searched by it); run: CREATE INDEX CONCURRENTLY ON " + relation + " (" + column + ")"
                            + (others.isEmpty() ? "" : " WHERE " + String.join(" AND ", others)) + ";");
                }
            }
        }
        return Optional.of("the plan of the reconciler's scan of a day's user messages could not be judged "
                + "(the view's created_at is not a plain column?); check it with EXPLAIN");
    }

    /** The top-level {@code AND} terms of a condition the planner printed in parentheses. */
    static List<String> conjuncts(String condition) {
        String body = condition;
        if (body.startsWith("(") && body.endsWith(")") && balanced(body.substring(1, body.length() - 1))) {
            body = body.substring(1, body.length() - 1);
        }
        List<String> terms = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (depth == 0 && body.startsWith(" AND ", i)) {
                terms.add(body.substring(start, i).strip());
                start = i + 5;
            }
        }
        terms.add(body.substring(start).strip());
        return terms;
    }

    private static boolean balanced(String text) {
        int depth = 0;
        for (char c : text.toCharArray()) {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth < 0) {
                return false;
            }
        }
        return depth == 0;
    }
}
