package dev.quota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs one quota command in-process against a database and keeps what it printed and returned. */
public record CliRun(int exitCode, String out, String err) {

    public static CliRun run(String dbUrl, Clock clock, String stdin, boolean interactive, String... args) {
        return run(dbUrl, clock, Map.of(), stdin, interactive, args);
    }

    /** The same, with environment variables beside USER (QUOTA_LOCK_TIMEOUT_MS, for example). */
    public static CliRun run(String dbUrl, Clock clock, Map<String, String> env, String stdin, boolean interactive, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>();
        if (dbUrl != null) {
            all.add("--db-url");
            all.add(dbUrl);
        }
        all.addAll(List.of(args));
        Map<String, String> world = new java.util.HashMap<>(env);
        world.put("USER", "tester");
        CliContext context = new CliContext(Map.copyOf(world), database -> clock, new BufferedReader(new StringReader(stdin)),
                interactive, false);
        int code = QuotaCli.run(new PrintWriter(out, true), new PrintWriter(err, true), context, all.toArray(String[]::new));
        return new CliRun(code, out.toString(), err.toString());
    }

    public JsonNode json() {
        try {
            return new ObjectMapper().readTree(out);
        } catch (Exception e) {
            throw new AssertionError("stdout is not one JSON document:\n" + out + "\nstderr:\n" + err, e);
        }
    }

    public CliRun exits(int expected) {
        assertThat(exitCode).as("exit code; stdout:%n%s%nstderr:%n%s", out, err).isEqualTo(expected);
        return this;
    }
}
