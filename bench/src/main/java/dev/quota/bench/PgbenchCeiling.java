package dev.quota.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.quota.core.check.QuotaInvariants;
import dev.quota.core.db.DatabaseConfig;
import dev.quota.core.persistence.ChatPathStatement;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import dev.quota.core.workload.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The database's own ceiling: pgbench runs the atomic strategy's exact chat-path SQL at
 * the given client counts against the same server the JMH runs use ({@code QUOTA_DB_URL}),
 * in a schema of its own, and the transactions per second are written as JSON.
 *
 * <p>Usage: {@code PgbenchCeiling <threads,..> <seconds> <workloads,..> <out.json>}, or
 * {@code PgbenchCeiling --script} to print the script for a pgbench run by hand.
 */
public final class PgbenchCeiling {

    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");

    private PgbenchCeiling() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--script")) {
            System.out.print(script());
            return;
        }
        if (args.length != 4 && !(args.length == 5 && args[4].equals(SQL_FUNCTION))) {
            System.err.println("usage: PgbenchCeiling <threads,..> <seconds> <workloads,..> <out.json> [sql-function]");
            System.err.println("       PgbenchCeiling --script   (print the pgbench script, to run it by hand: -D users=N -D dist=1|2)");
            System.exit(2);
        }
        DatabaseConfig shared = BenchTarget.sharedConfig();
        if (shared == null) {
            System.err.println("PgbenchCeiling needs QUOTA_DB_URL: the server the benchmarks ran against");
            System.exit(2);
        }
        Path script = Files.createTempFile("atomic-chat", ".sql");
        Files.writeString(script, args.length == 5 ? functionScript() : script());
        List<Map<String, Object>> results = new ArrayList<>();
        String serverVersion = null;
        for (String workload : args[2].split(",")) {
            int users = BenchTarget.users(Workload.valueOf(workload.strip()));
            for (String threadText : args[0].split(",")) {
                int threads = Integer.parseInt(threadText.strip());
                try (BenchTarget target = BenchTarget.open(2, users, DatabaseBenchmark.Limits.accept.limit)) {
                    if (serverVersion == null) {
                        serverVersion = target.database.jdbi().withHandle(h -> h.createQuery("SHOW server_version").mapTo(String.class).one());
                    }
                    double tps = run(shared, target.schemas.searchPath(), script, threads, Integer.parseInt(args[1]), users, workload);
                    if (!QuotaInvariants.check(target.database.jdbi()).holds()) {
                        throw new IllegalStateException("INVARIANT BROKEN by the pgbench ceiling run on " + workload);
                    }
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("workload", workload);
                    row.put("threads", threads);
                    row.put("tps", tps);
                    results.add(row);
                    System.err.printf("pgbench %s, %d clients: %.0f tps%n", workload, threads, tps);
                }
            }
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("server_version", serverVersion);
        document.put("results", results);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(Path.of(args[3]).toFile(), document);
    }

    /** The fifth argument that runs quota.consume itself, as a backend in another language calls it. */
    static final String SQL_FUNCTION = "sql-function";

    /**
     * The header that draws the user, then what a backend does with the SQL API in one
     * transaction: {@code quota.consume}, and its message stored when accepted (one statement,
     * so that the counters still equal the messages the invariants count).
     */
    static String functionScript() throws IOException {
        try (InputStream in = PgbenchCeiling.class.getResourceAsStream("/pgbench/atomic-chat.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8) + """
                    BEGIN;
                    WITH r AS (SELECT CAST(gen_random_uuid() AS text) AS id), c AS (SELECT f.* FROM r, consume(:userId, 1, r.id) f) INSERT INTO chat_messages (user_id, role, created_at, request_id) SELECT :userId, 'user', now(), r.id FROM r, c WHERE c.accepted AND NOT c.replayed;
                    COMMIT;
                    """;
        }
    }

    /** The header that draws the user, then the chat path's transaction. */
    static String script() throws IOException {
        try (InputStream in = PgbenchCeiling.class.getResourceAsStream("/pgbench/atomic-chat.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8) + chatPathStatement();
        }
    }

    /**
     * The JVM's chat-path transaction with pgbench's values for its parameters; {@code :userId}
     * stays a variable (set by the script's header), every other parameter becomes SQL.
     */
    static String chatPathStatement() {
        String statement = ChatPathStatement.SQL
                .replace(":day", "CAST(now() AT TIME ZONE 'UTC' AS date)")
                .replace(":units", "1")
                .replace("CAST(:sentAt AS text[])", "ARRAY[CAST(now() AS text)]")
                .replace("CAST(:requestIds AS text[])", "ARRAY[CAST(gen_random_uuid() AS text)]");
        Matcher leftover = Pattern.compile(":(?!userId\\b)[A-Za-z]\\w*").matcher(statement);
        if (leftover.find()) {
            throw new IllegalStateException("the chat path has a parameter pgbench gets no value for: " + leftover.group());
        }
        return "BEGIN;\n" + statement.strip() + ";\nCOMMIT;\n";
    }

    private static double run(DatabaseConfig config, String searchPath, Path script, int clients, int seconds, int users, String workload)
            throws IOException, InterruptedException {
        URI uri = URI.create(config.jdbcUrl().substring("jdbc:".length()));
        String database = uri.getPath().substring(1);
        ProcessBuilder builder = new ProcessBuilder("pgbench", "-n", "-M", "prepared", "-c", Integer.toString(clients),
                "-j", Integer.toString(clients), "-T", Integer.toString(seconds), "-f", script.toString(),
                "-D", "users=" + users, "-D", "dist=" + ("zipf".equals(workload) ? 2 : 1),
                database);
        builder.environment().put("PGHOST", uri.getHost());
        builder.environment().put("PGPORT", Integer.toString(uri.getPort() < 0 ? 5432 : uri.getPort()));
        builder.environment().put("PGUSER", config.user() != null ? config.user() : userFrom(uri));
        if (config.password() != null) {
            builder.environment().put("PGPASSWORD", config.password());
        }
        builder.environment().put("PGOPTIONS", "-c search_path=" + searchPath);
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("pgbench failed:\n" + output);
        }
        Matcher matcher = TPS.matcher(output);
        if (!matcher.find()) {
            throw new IllegalStateException("no tps in pgbench output:\n" + output);
        }
        return Double.parseDouble(matcher.group(1));
    }

    private static String userFrom(URI uri) {
        String query = uri.getQuery() == null ? "" : uri.getQuery();
        for (String pair : query.split("&")) {
            if (pair.startsWith("user=")) {
                return pair.substring(5);
            }
        }
        return System.getProperty("user.name");
    }
}
