package dev.quota.core.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Says precisely how a database's quota tables differ from what this toolkit expects. The
 * expectation is not written down a second time: the migrations are applied to a scratch
 * schema inside a transaction that is always rolled back, and both schemas are read from
 * the catalog and compared. Extra columns, indexes or constraints in the target are fine
 * (the chat backend may have more); missing or different ones are reported.
 */
public final class SchemaCheck {

    /** The migrations, in order; the check replays them into the scratch schema. */
    public static final List<String> MIGRATIONS = List.of("V1__quota_schema.sql", "V2__reconciliation.sql", "V3__spring_batch_6_0.sql");

    /** The chat product's tables, which every quota command needs. */
    public static final List<String> PRODUCT_TABLES = List.of("users", "billing_plans", "user_subscriptions",
            "user_daily_quota_usages", "chat_messages", "quota_adjustments");

    /** Every table the toolkit reads and writes: the product's and the reconciler's own. */
    public static final List<String> TABLES = java.util.stream.Stream.concat(PRODUCT_TABLES.stream(),
            java.util.stream.Stream.of("quota_reconciliation_runs", "quota_reconciliation_drifts")).toList();

    private SchemaCheck() {
    }

    /** The differences, one readable line each; empty when the schema is as expected. */
    public static List<String> differences(Jdbi jdbi) {
        return jdbi.withHandle(handle -> {
            handle.begin();
            try {
                String target = handle.createQuery("SELECT current_schema()").mapTo(String.class).one();
                String scratch = "quota_expected_" + ProcessHandle.current().pid();
                handle.execute("CREATE SCHEMA " + scratch);
                handle.execute("SET LOCAL search_path = " + scratch);
                for (String migration : MIGRATIONS) {
                    handle.createScript(read("db/migration/" + migration)).execute();
                }
                return compare(describe(handle, scratch), describe(handle, target));
            } finally {
                handle.rollback();
            }
        });
    }

    private static List<String> compare(Map<String, TableShape> expected, Map<String, TableShape> actual) {
        List<String> differences = new ArrayList<>();
        for (TableShape want : expected.values()) {
            TableShape have = actual.get(want.name);
            if (have == null) {
                differences.add("missing table " + want.name);
                continue;
            }
            want.columns.forEach((column, type) -> {
                String found = have.columns.get(column);
                if (found == null) {
                    differences.add("missing column " + want.name + "." + column + " (" + type + ")");
                } else if (!found.equals(type)) {
                    differences.add("column " + want.name + "." + column + " is " + found + ", expected " + type);
                }
            });
            for (String constraint : want.constraints) {
                if (!have.constraints.contains(constraint)) {
                    differences.add("missing constraint on " + want.name + ": " + constraint);
                }
            }
            for (String index : want.indexes) {
                if (!have.indexes.contains(index)) {
                    differences.add("missing index on " + want.name + ": " + index);
                }
            }
        }
        return differences;
    }

    private static Map<String, TableShape> describe(Handle handle, String schema) {
        Map<String, TableShape> tables = new TreeMap<>();
        handle.createQuery("""
                        SELECT c.table_name, c.column_name,
                               c.data_type || CASE WHEN c.is_nullable = 'NO' THEN ' NOT NULL' ELSE ' NULL' END AS shape
                          FROM information_schema.columns c
                         WHERE c.table_schema = :schema AND c.table_name = ANY(:tables)
                        """)
                .bind("schema", schema).bind("tables", TABLES.toArray(String[]::new))
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})
                .forEach(row -> tables.computeIfAbsent(row[0], TableShape::new).columns.put(row[1], row[2]));
        handle.createQuery("""
                        SELECT t.relname, pg_get_constraintdef(k.oid)
                          FROM pg_constraint k
                          JOIN pg_class t ON t.oid = k.conrelid
                          JOIN pg_namespace n ON n.oid = t.relnamespace
                         WHERE n.nspname = :schema AND t.relname = ANY(:tables) AND k.contype IN ('c', 'u', 'f', 'p')
                        """)
                .bind("schema", schema).bind("tables", TABLES.toArray(String[]::new))
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)})
                .forEach(row -> {
                    TableShape table = tables.get(row[0]);
                    if (table != null) {
                        table.constraints.add(row[1].replace(schema + ".", ""));
                    }
                });
        handle.createQuery("""
                        SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = :schema AND tablename = ANY(:tables)
                        """)
                .bind("schema", schema).bind("tables", TABLES.toArray(String[]::new))
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)})
                .forEach(row -> {
                    TableShape table = tables.get(row[0]);
                    if (table != null) {
                        // names may differ between deployments; what is indexed, and how, may not
                        table.indexes.add(row[1].replaceFirst("INDEX \\S+ ON ", "INDEX ON ").replace(schema + ".", ""));
                    }
                });
        return tables;
    }

    private static String read(String resource) {
        try (InputStream in = SchemaCheck.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("migration " + resource + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class TableShape {
        final String name;
        final Map<String, String> columns = new TreeMap<>();
        final Set<String> constraints = new TreeSet<>();
        final Set<String> indexes = new TreeSet<>();

        TableShape(String name) {
            this.name = name;
        }
    }
}
