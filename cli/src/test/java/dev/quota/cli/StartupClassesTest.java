package dev.quota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quota.core.UserKey;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a support command loads, the deterministic guard of its start-up (a clock would be
 * at the mercy of the host): each command runs in a JVM of its own on the release runtime's
 * modules, {@code -Xlog:class+load} lists its classes, and none may come from what a
 * one-shot read does not need, nor may their number pass the budget. The time it takes is
 * measured by scripts/measure-show, not here.
 */
class StartupClassesTest extends CliTestBase {

    /**
     * The classes a support command loads here, with room for a few more: 3,469 (top) to
     * 3,594 (top) to 3,720 (grant) on 2026-12-06, once Flyway, Hikari and Jdbi's lexers left the path.
     * A dependency that drags a library in shows above it.
     */
    static final int CLASS_BUDGET = 3_800;

    /**
     * Packages a one-shot command must not load: the migrator, the pool, the job's framework,
     * and Jdbi's lexers with the ANTLR runtime they run on. Not {@code jdk.jfr}: the release
     * carries the module for Spring Batch's job events, and Jdbi registers its statement
     * events wherever the module is present (docs/bench.md, start-up).
     */
    static final List<String> DENIED = List.of("org.flywaydb.", "com.zaxxer.hikari.", "org.springframework.",
            "org.antlr.", "org.jdbi.v3.core.internal.lexer.", "org.jdbi.v3.core.inlined.org.antlr.");

    /**
     * Three interfaces of Jdbi's inlined ANTLR that the verifier loads when it links the
     * default parser and template engine, which Jdbi's statement configuration constructs
     * whatever parser is set: interfaces only, nothing of a lexer runs.
     */
    static final List<String> LINKED_NOT_RUN = List.of("org.jdbi.v3.core.inlined.org.antlr.v4.runtime.$IntStream",
            "org.jdbi.v3.core.inlined.org.antlr.v4.runtime.$CharStream", "org.jdbi.v3.core.inlined.org.antlr.v4.runtime.$ANTLRErrorListener");

    private static final Pattern LOADED = Pattern.compile("^\\[[^]]*]\\[info]\\[class,load] (\\S+) source:");

    @TempDir
    Path logs;

    @ParameterizedTest
    @ValueSource(strings = {"show", "history", "top", "grant"})
    void givenASupportCommand_whenItRuns_thenNothingDeniedLoadsAndItsClassesStayWithinTheBudget(String command) throws Exception {
        UserKey user = fixtures.subscribedUser("ada@example.com", 5);
        List<String> args = switch (command) {
            case "top" -> List.of("top");
            case "grant" -> List.of("grant", user.toString(), "1", "--reason", "guard");
            default -> List.of(command, user.toString());
        };

        List<String> loaded = classesLoadedBy(args);

        assertThat(loaded).filteredOn(name -> DENIED.stream().anyMatch(name::startsWith))
                .as("classes a one-shot command must not load")
                .isSubsetOf(LINKED_NOT_RUN);
        assertThat(loaded).as("classes loaded").hasSizeLessThanOrEqualTo(CLASS_BUDGET);
    }

    /** The classes {@code quota ARGS} loads, run as support runs it, in a JVM of its own. */
    private List<String> classesLoadedBy(List<String> args) throws IOException, InterruptedException {
        Path log = logs.resolve("classes.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--limit-modules", releaseModules(), "-Xlog:class+load=info:file=" + log, "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp", releaseClassPath(), QuotaCli.class.getName(),
                "--db-url", dbUrl()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logs.resolve("out.txt").toFile()).start();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the command ends").isTrue();
        assertThat(process.exitValue()).as(Files.readString(logs.resolve("out.txt"))).isZero();
        List<String> loaded = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher matcher = LOADED.matcher(line);
            if (matcher.find()) {
                loaded.add(matcher.group(1));
            }
        }
        return loaded;
    }

    private static String releaseModules() {
        String modules = System.getProperty("quota.release.modules");
        assertThat(modules).as("the release's modules, passed by the build (cli/pom.xml)").isNotBlank();
        return modules;
    }

    /**
     * The release's class path as Maven built it (surefire's own is a manifest-only jar):
     * without the tests' classes, whose logback-test.xml would set logging up from XML.
     */
    private static String releaseClassPath() {
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(path.split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("-tests.jar"))
                .collect(Collectors.joining(File.pathSeparator));
    }
}
