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
import org.junit.jupiter.api.Test;
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
     * The classes an adjustment loads here, with room for a few more: 3,720 (grant) on
     * 2026-12-06, once Flyway, Hikari and Jdbi's lexers left the path; 3,490 on 2026-12-07, its
     * command model written at build time (CommandModels). A dependency that drags a library in
     * shows above it.
     */
    static final int CLASS_BUDGET = 3_600;

    /**
     * The classes a read (show, history, top, holds) loads here, with room for a few more:
     * 2,185 (show) on 2026-12-07 through the release, once its statements ran as plain JDBC
     * and Jdbi's configuration, its flight-recorder events and logging left the path; 2,054
     * once its command model was written at build time (CommandModels) instead of read from
     * the annotations.
     */
    static final int READ_CLASS_BUDGET = 2_200;

    /**
     * Packages a one-shot command must not load: the migrator, the pool, the job's framework,
     * and Jdbi's lexers with the ANTLR runtime they run on.
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

    /**
     * What a read must not load besides: the flight recorder (Jdbi registers its statement
     * events wherever the release's runtime carries {@code jdk.jfr}, as it must for Spring
     * Batch), logging (nothing logs on a read that succeeds), and Jdbi beyond the classes
     * of {@link #JDBI_A_READ_LINKS}.
     */
    static final List<String> DENIED_TO_READS = List.of("jdk.jfr.", "ch.qos.logback.", "org.slf4j.", "org.jdbi.");

    /**
     * picocli's annotation types, which load when picocli reads the annotations of a command:
     * the JVM then makes a proxy class per annotation type and meta-annotation, which neither
     * the class-data archive nor the AOT cache can hold. A one-shot command's model is written
     * at build time instead ({@link CommandModels}).
     */
    static final List<String> PICOCLI_ANNOTATIONS = List.of("picocli.CommandLine$Command", "picocli.CommandLine$Option",
            "picocli.CommandLine$Parameters", "picocli.CommandLine$Mixin", "picocli.CommandLine$Spec");

    /**
     * The Jdbi classes a read links without configuring Jdbi: the parsed form of a named
     * statement and the exception a failed one is raised as (PlainStatement), and the
     * interfaces the verifier loads where Database and the DAO interfaces name them.
     */
    static final List<String> JDBI_A_READ_LINKS = List.of("org.jdbi.v3.core.statement.ParsedSql",
            "org.jdbi.v3.core.statement.ParsedSql$Builder", "org.jdbi.v3.core.statement.ParsedParameters",
            "org.jdbi.v3.core.JdbiException", "org.jdbi.v3.core.statement.StatementException",
            "org.jdbi.v3.core.statement.UnableToExecuteStatementException", "org.jdbi.v3.core.statement.SqlParser",
            "org.jdbi.v3.core.statement.TemplateEngine", "org.jdbi.v3.core.spi.JdbiPlugin", "org.jdbi.v3.sqlobject.SqlObject");

    private static final Pattern LOADED = Pattern.compile("^\\[[^]]*]\\[info]\\[class,load] (\\S+) source:");

    @TempDir
    Path logs;

    @ParameterizedTest
    @ValueSource(strings = {"show", "history", "top", "holds"})
    void givenARead_whenItRuns_thenNeitherJdbiNorTheFlightRecorderNorLoggingNorPicocliAnnotationsLoadAndItsClassesStayWithinTheReadBudget(
            String command)
            throws Exception {
        UserKey user = fixtures.subscribedUser("ada@example.com", 5);

        List<String> loaded = classesLoadedBy(command.equals("top") ? List.of("top") : List.of(command, user.toString()));

        assertThat(loaded).filteredOn(name -> DENIED.stream().anyMatch(name::startsWith))
                .as("classes a one-shot command must not load")
                .isSubsetOf(LINKED_NOT_RUN);
        assertThat(loaded).as("picocli's annotations, read by reflection").doesNotContainAnyElementsOf(PICOCLI_ANNOTATIONS);
        assertThat(loaded).filteredOn(name -> DENIED_TO_READS.stream().anyMatch(name::startsWith))
                .as("classes a read must not load")
                .isSubsetOf(JDBI_A_READ_LINKS);
        assertThat(loaded).as("classes loaded").hasSizeLessThanOrEqualTo(READ_CLASS_BUDGET);
    }

    @Test
    void givenAnAdjustment_whenItRuns_thenNothingDeniedNorPicocliAnnotationsLoadAndItsClassesStayWithinTheBudget() throws Exception {
        UserKey user = fixtures.subscribedUser("ada@example.com", 5);

        List<String> loaded = classesLoadedBy(List.of("grant", user.toString(), "1", "--reason", "guard"));

        assertThat(loaded).filteredOn(name -> DENIED.stream().anyMatch(name::startsWith))
                .as("classes a one-shot command must not load")
                .isSubsetOf(LINKED_NOT_RUN);
        assertThat(loaded).as("picocli's annotations, read by reflection").doesNotContainAnyElementsOf(PICOCLI_ANNOTATIONS);
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
