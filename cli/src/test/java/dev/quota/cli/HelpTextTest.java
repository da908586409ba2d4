package dev.quota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The help people read first: every command's summary in {@code quota --help} is one whole sentence. */
class HelpTextTest {

    /** Help reads no clock; a fixed one, so that none of these tests could. */
    private static final java.time.Clock NEVER_READ = java.time.Clock.fixed(java.time.Instant.parse("2026-07-01T10:00:00Z"),
            java.time.ZoneOffset.UTC);

    private static List<CommandLine> everyCommand(CommandLine command) {
        List<CommandLine> all = new ArrayList<>();
        for (CommandLine sub : command.getSubcommands().values()) {
            if (!all.contains(sub)) {
                all.add(sub);
                all.addAll(everyCommand(sub));
            }
        }
        return all;
    }

    @Test
    void givenEveryCommand_whenItsSummaryIsRead_thenItIsOneWholeSentence() {
        CliContext world = new CliContext(Map.of(), database -> NEVER_READ, new BufferedReader(new StringReader("")),
                false, false);
        CommandLine root = QuotaCli.commandLine(new Invocation(world, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                QuotaCli::commandLine));

        for (CommandLine command : everyCommand(root)) {
            String[] description = command.getCommandSpec().usageMessage().description();
            assertThat(description).as("the description of %s", command.getCommandName()).isNotEmpty();
            assertThat(description[0]).as("the summary of %s", command.getCommandName())
                    .matches("[A-Z].*[.]")
                    .doesNotContainPattern("[.;:] [A-Z].*[.]$");
        }
    }

    @Test
    void givenTheRootHelp_whenPrinted_thenNoLineIsWiderThanTheUsageWidth() {
        CliRun run = CliRun.run(null, NEVER_READ, "", false, "--help");

        assertThat(run.out().lines()).allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(80));
    }
}
