package dev.quota.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.quota.core.db.DatabaseConfig;
import dev.quota.core.persistence.ChatPathStatement;
import dev.quota.core.persistence.GroupCommitStatements;
import dev.quota.core.strategy.GroupCommitChatPath;
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
 * The database's own ceilings, measured by pgbench against the same server the JMH runs use
 * ({@code QUOTA_DB_URL}), each run in a schema of its own, written as JSON:
 * <ul>
 *   <li><b>per message</b>: the atomic strategy's exact chat-path SQL, one message a
 *       transaction, with as many clients as the benchmarks' threads and as many as the
 *       strategies' connections at those threads ({@link BenchConnections});</li>
 *   <li><b>batched</b> ({@code --batched}): group commit's own batch statement, with the batch
 *       size and the transactions in flight that the strategy reached in the JMH run, read
 *       from the batch sizes it recorded: the physical limit a batching strategy is measured
 *       against.</li>
 * </ul>
 *
 * <p>Usage: {@code PgbenchCeiling <threads,..> <seconds> <workloads,..> <out.json> [sql-function]},
 * {@code PgbenchCeiling --batched <batch-sizes.jsonl> <seconds> <out.json>}, or
 * {@code PgbenchCeiling --script [batch-size]} to print a script for a pgbench run by hand.
 */
public final class PgbenchCeiling {

    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");

    private PgbenchCeiling() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 1 && args[0].equals("--script")) {
            System.out.print(args.length == 2 ? batchScript(Integer.parseInt(args[1])) : script());
            return;
        }
        if (args.length == 4 && args[0].equals("--batched")) {
            batched(Path.of(args[1]), Integer.parseInt(args[2]), Path.of(args[3]));
            return;
        }
        if (args.length != 4 && !(args.length == 5 && args[4].equals(SQL_FUNCTION))) {
            System.err.println("usage: PgbenchCeiling <threads,..> <seconds> <workloads,..> <out.json> [sql-function]");
            System.err.println("       PgbenchCeiling --batched <batch-sizes.jsonl> <seconds> <out.json>");
            System.err.println("       PgbenchCeiling --script [batch-size]  (print a pgbench script, to run it by hand: -D users=N -D dist=1|2)");
            System.exit(2);
        }
        Path script = Files.createTempFile("atomic-chat", ".sql");
        Files.writeString(script, args.length == 5 ? functionScript() : script());
        List<Integer> clients = BenchConnections.clientCounts(parseInts(args[0]));
        List<Map<String, Object>> results = new ArrayList<>();
        for (String workload : args[2].split(",")) {
            for (int count : clients) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("workload", workload.strip());
                row.put("threads", count);
                row.put("tps", measure(script, count, Integer.parseInt(args[1]), workload.strip()));
                results.add(row);
            }
        }
        write(results, Path.of(args[3]));
    }

    /** Group commit's batch transaction at the batch size and slots each of its JMH trials reached. */
    private static void batched(Path batchSizes, int seconds, Path out) throws Exception {
        List<Map<String, Object>> results = new ArrayList<>();
        for (BatchSizes.Trial trial : BatchSizes.groupCommitTrials(batchSizes)) {
            int threads = trial.threads();
            if (threads < 2) {
                continue; // one caller has nothing to batch
            }
            String workload = trial.workload();
            int batch = Math.max(1, (int) Math.round(trial.meanBatchSize()));
            int clients = BenchConnections.of(GroupCommitChatPath.NAME, threads);
            Path script = Files.createTempFile("group-commit", ".sql");
            Files.writeString(script, batchScript(batch));
            double tps = measure(script, clients, seconds, workload);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("workload", workload);
            row.put("threads", threads);
            row.put("clients", clients);
            row.put("batch_size", batch);
            row.put("tps", tps);
            row.put("messages_per_second", tps * batch);
            results.add(row);
        }
        write(results, out);
    }

    private static List<Integer> parseInts(String list) {
        return java.util.Arrays.stream(list.split(",")).map(String::strip).map(Integer::parseInt).toList();
    }

    private static String serverVersion;

    /** One pgbench run in a fresh schema of the shared server; the invariants must hold after it. */
    private static double measure(Path script, int clients, int seconds, String workload) throws Exception {
        DatabaseConfig shared = BenchTarget.sharedConfig();
        if (shared == null) {
            throw new IllegalStateException("PgbenchCeiling needs QUOTA_DB_URL: the server the benchmarks ran against");
        }
        int users = BenchTarget.users(Workload.valueOf(workload));
        try (BenchTarget target = BenchTarget.open(2, users, DatabaseBenchmark.Limits.accept.limit)) {
            if (serverVersion == null) {
                serverVersion = target.database.jdbi().withHandle(h -> h.createQuery("SHOW server_version").mapTo(String.class).one());
            }
            double tps = run(shared, target.schemas.searchPath(), script, clients, seconds, users, workload);
            target.requireInvariants("the pgbench run of " + script.getFileName() + " on " + workload, true);
            System.err.printf("pgbench %s %s, %d clients: %.0f tps%n", script.getFileName(), workload, clients, tps);
            return tps;
        }
    }

    private static void write(List<Map<String, Object>> results, Path out) throws IOException {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("server_version", serverVersion);
        document.put("results", results);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), document);
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

    /**
     * Group commit's batch transaction for {@code batch} messages of users drawn as the
     * header draws one: the statement the JVM sends for a batch with no retried request id
     * ({@link GroupCommitStatements#ACCEPT_ALL}), with pgbench's values for its array parameters.
     */
    static String batchScript(int batch) {
        StringBuilder draws = new StringBuilder("\\if :dist = 2\n");
        for (int i = 1; i <= batch; i++) {
            draws.append("\\set u").append(i).append(" random_zipfian(1, :users, 1.1)\n");
        }
        draws.append("\\else\n");
        for (int i = 1; i <= batch; i++) {
            draws.append("\\set u").append(i).append(" random(1, :users)\n");
        }
        draws.append("\\endif\n");
        StringBuilder users = new StringBuilder("ARRAY[");
        for (int i = 1; i <= batch; i++) {
            users.append(i > 1 ? ", " : "").append("CAST(:u").append(i).append(" AS bigint)");
        }
        String ids = users.append("]").toString();
        String today = "CAST(now() AT TIME ZONE 'UTC' AS date)";
        String days = "array_fill(" + today + ", ARRAY[" + batch + "])";
        String statements = GroupCommitStatements.ACCEPT_ALL
                .replace(":userIds", ids)
                .replace(":days", days)
                .replace(":units", "array_fill(1, ARRAY[" + batch + "])")
                .replace(":messageUserIds", ids)
                .replace(":messageDays", days)
                .replace(":requestIds", "ARRAY(SELECT CAST(gen_random_uuid() AS text) FROM generate_series(1, " + batch + "))")
                .replace(":sentAt", "array_fill(CAST(now() AS text), ARRAY[" + batch + "])").strip() + ";\n";
        Matcher leftover = Pattern.compile(":(?!u\\d+\\b)[A-Za-z]\\w*").matcher(statements);
        if (leftover.find()) {
            throw new IllegalStateException("the batch has a parameter pgbench gets no value for: " + leftover.group());
        }
        return "-- group commit's batch of " + batch + " messages (PgbenchCeiling.batchScript)\n" + draws
                + "BEGIN;\n" + statements + "COMMIT;\n";
    }

    static double run(DatabaseConfig config, String searchPath, Path script, int clients, int seconds, int users, String workload)
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
