package dev.quota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quota.core.UserKey;
import dev.quota.core.testing.FakeTime;
import dev.quota.core.testing.FreshDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * One clock, the database's: a host whose wall clock is a day behind (libfaketime, in a
 * child JVM) still gets the server's day from {@code quota show}.
 */
// mostly waiting for a clock to pass: it runs beside the module's other tests
@Execution(ExecutionMode.CONCURRENT)
class HostClockTest {

    @RegisterExtension
    final FreshDatabase db = new FreshDatabase();

    /** Prints the host's UTC date as this JVM sees it (proof that its clock is off), then runs quota. */
    public static final class HostDateThenQuota {
        public static void main(String[] args) {
            System.out.println(LocalDate.now(ZoneOffset.UTC));
            QuotaCli.main(args);
        }
    }

    private static String runWithHostClockOff(String mainClass, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                // the test classpath holds two logback-test.xml, which logback would report on stdout
                "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener", mainClass));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(FakeTime.environment("-1d"));
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes()).strip();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("exit code of %s; stdout %s", mainClass, out).isZero();
        return out;
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String out) {
        try {
            return new ObjectMapper().readTree(out);
        } catch (IOException e) {
            throw new AssertionError("stdout is not one JSON document:\n" + out, e);
        }
    }

    private LocalDate serverToday() {
        return db.jdbi().withHandle(handle -> handle.createQuery("SELECT CAST(now() AT TIME ZONE 'UTC' AS date)")
                .mapTo(LocalDate.class).one());
    }

    @Test
    void givenAHostClockADayBehind_whenAUserIsShown_thenTheDayIsTheServersDay() throws Exception {
        FakeTime.assumeAvailable();
        UserKey user = db.fixtures().subscribedUser(20);
        LocalDate serverBefore = serverToday();

        String out = runWithHostClockOff(HostDateThenQuota.class.getName(), "--db-url", db.config().jdbcUrl() + "?user=postgres",
                "show", String.valueOf(user), "-o", "json");

        LocalDate host = LocalDate.parse(out.lines().findFirst().orElseThrow());
        LocalDate day = LocalDate.parse(json(out.substring(out.indexOf('\n') + 1)).at("/data/date").asText());
        assertThat(host).isBefore(serverBefore);
        assertThat(day).isBetween(serverBefore, serverToday());
    }
}
