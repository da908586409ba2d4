package dev.quota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler units and alert rules in deploy/ (shipped in the release): each runs a
 * command line the CLI accepts, and every metric an alert reads is one the job writes.
 * {@code promtool} and {@code systemd-analyze} check more where installed (docs/operations.md);
 * this test runs everywhere.
 */
class DeployFilesTest extends CliTestBase {

    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern METRIC = Pattern.compile("\\bquota_[a-z_]+\\b");

    @TempDir
    Path files;

    @Test
    void givenTheAlertRules_whenParsed_thenEachIsCompleteAndReadsOnlyMetricsTheJobWrites() throws IOException {
        Path metrics = files.resolve("quota.prom");
        quota("reconcile", "--date", "2026-06-30", "--metrics-file", metrics.toString()).exits(0);
        // and what a run stopped before it started writes instead (a stale standby, for one)
        Path stopped = files.resolve("stopped.prom");
        dev.quota.reconciler.ReconcileFiles.writeErrorMetrics(stopped, dev.quota.core.ErrorCode.STANDBY_BEHIND.code());
        Set<String> written = new TreeSet<>();
        for (Path file : List.of(metrics, stopped)) {
            Files.readAllLines(file).stream().filter(line -> !line.startsWith("#"))
                    .forEach(line -> written.add(line.split("[{ ]")[0]));
        }

        JsonNode rules = YAML.readTree(DEPLOY.resolve("prometheus/quota-rules.yaml").toFile());
        List<JsonNode> all = new ArrayList<>();
        rules.path("groups").forEach(group -> group.path("rules").forEach(all::add));

        assertThat(all).hasSizeGreaterThanOrEqualTo(3);
        for (JsonNode rule : all) {
            assertThat(rule.path("alert").asText()).isNotBlank();
            assertThat(rule.path("labels").path("severity").asText()).isIn("page", "ticket");
            assertThat(rule.path("annotations").path("summary").asText()).isNotBlank();
            Matcher used = METRIC.matcher(rule.path("expr").asText());
            assertThat(used.find()).as(rule.path("alert").asText()).isTrue();
            do {
                assertThat(written).as("metric of " + rule.path("alert").asText()).contains(used.group());
            } while (used.find());
        }
    }

    @Test
    void givenTheKubernetesCronJob_whenParsed_thenItRunsTheNightlyRepairTheCliAccepts() throws IOException {
        JsonNode job = YAML.readTree(DEPLOY.resolve("kubernetes/quota-reconcile-cronjob.yaml").toFile());

        assertThat(job.path("kind").asText()).isEqualTo("CronJob");
        assertThat(job.path("spec").path("schedule").asText().split(" ")).hasSize(5);
        JsonNode container = job.at("/spec/jobTemplate/spec/template/spec/containers/0");
        assertThat(container.path("command").get(0).asText()).isEqualTo("/opt/quota/bin/quota");
        List<String> args = StreamSupport.stream(container.path("args").spliterator(), false).map(JsonNode::asText).toList();
        assertAccepted(args);
    }

    @Test
    void givenTheSystemdServiceAndTheCronEntry_whenRead_thenTheyRunTheNightlyRepairTheCliAccepts() throws IOException {
        String service = Files.readString(DEPLOY.resolve("systemd/quota-reconcile.service"));
        String timer = Files.readString(DEPLOY.resolve("systemd/quota-reconcile.timer"));
        String cron = Files.readString(DEPLOY.resolve("cron/quota-reconcile"));

        assertThat(timer).contains("Unit=quota-reconcile.service", "Persistent=true");
        assertThat(service).contains("SuccessExitStatus=10");
        assertAccepted(argsAfter(service.lines().filter(line -> line.startsWith("ExecStart=")).findFirst().orElseThrow()));
        String entry = cron.lines().filter(line -> line.matches("^[0-9*].*")).findFirst().orElseThrow();
        assertThat(entry.split("\\s+")[5]).as("the cron.d user field").isEqualTo("quota");
        assertAccepted(argsAfter(entry.substring(0, entry.indexOf(">>"))));
    }

    private static List<String> argsAfter(String line) {
        String[] words = line.substring(line.indexOf("/opt/quota/bin/quota") + "/opt/quota/bin/quota".length()).strip().split("\\s+");
        return Arrays.asList(words);
    }

    /** Parsed by the real command line: an unknown option or a bad value would be exit 2; --help stops before running. */
    private void assertAccepted(List<String> args) {
        assertThat(args.get(0)).isEqualTo("reconcile");
        List<String> withHelp = new ArrayList<>(args);
        withHelp.add("--help");
        quota(withHelp.toArray(String[]::new)).exits(0);
    }
}
