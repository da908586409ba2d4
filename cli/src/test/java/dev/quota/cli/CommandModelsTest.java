package dev.quota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The models written at build time ({@link CommandModels}) are picocli's reading of the
 * annotations, attribute for attribute: a command means the same and helps the same whether its
 * model was written or read by reflection.
 */
class CommandModelsTest {

    private final PrintWriter discard = new PrintWriter(Writer.nullWriter());
    private final Invocation invocation = new Invocation(CliContext.system(), discard, discard, QuotaCli::commandLine);
    private final CommandFactory factory = new CommandFactory(invocation);

    /** The root and the one-shot commands: every command whose model is written. */
    static Stream<Class<?>> writtenCommands() {
        return Stream.concat(Stream.of(QuotaCommand.class), QuotaCommand.ONE_SHOT.stream());
    }

    private CommandSpec written(Class<?> type) {
        CommandModels models = CommandModels.written();
        return type == QuotaCommand.class ? models.root(invocation) : models.subcommand(type, invocation);
    }

    @Test
    void givenTheBuild_whenTheModelsAreLookedFor_thenTheRootAndEveryOneShotCommandHaveOne() {
        assertThat(CommandModels.written()).as("the models cli's build writes (pom.xml, command-models)").isNotNull();
        assertThat(writtenCommands()).allSatisfy(type -> assertThat(written(type)).as(type.getName()).isNotNull());
    }

    @ParameterizedTest
    @MethodSource("writtenCommands")
    void givenAWrittenModel_whenComparedWithPicocliReadingTheAnnotations_thenEveryAttributeAndItsHelpAgree(Class<?> type) {
        CommandSpec written = written(type);
        CommandSpec read = new CommandLine(type, factory).getCommandSpec();

        assertThat(describe(written)).isEqualTo(describe(read));
        assertThat(help(written)).isEqualTo(help(read));
    }

    @ParameterizedTest
    @MethodSource("writtenCommands")
    void givenAWrittenModel_whenTheSameArgumentsAreParsedByBothModels_thenEveryMemberHoldsTheSameValue(Class<?> type) {
        CommandSpec written = written(type);
        CommandSpec read = new CommandLine(type, factory).getCommandSpec();
        String[] args = everyArgumentGiven(read);

        new CommandLine(written, factory).parseArgs(args);
        new CommandLine(read, factory).parseArgs(args);

        assertThat(values(written)).as(String.join(" ", args)).isEqualTo(values(read));
    }

    @Test
    void givenTheNameOfEverySubcommand_whenLookedUpInTheWrittenModels_thenItNamesItsClass() {
        for (Class<?> type : QuotaCommand.SUBCOMMANDS) {
            CommandSpec read = new CommandLine(type, factory).getCommandSpec();

            assertThat(CommandModels.written().subcommandNamed(read.name())).as(read.name()).isEqualTo(type);
        }
        assertThat(CommandModels.written().subcommandNamed("no-such-command")).isNull();
    }

    /** Arguments that give every option and positional parameter of {@code spec} a value of its type. */
    private static String[] everyArgumentGiven(CommandSpec spec) {
        List<String> args = new ArrayList<>();
        for (OptionSpec option : spec.options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            args.add(option.longestName());
            if (option.arity().max() > 0) {
                args.add(sampleOf(option));
            }
        }
        for (PositionalParamSpec positional : spec.positionalParameters()) {
            args.add(sampleOf(positional));
        }
        return args.toArray(String[]::new);
    }

    private static String sampleOf(ArgSpec arg) {
        Class<?> type = arg.type();
        if (type == int.class || type == Integer.class) {
            return "3";
        }
        if (type.isEnum()) {
            return type.getEnumConstants()[type.getEnumConstants().length - 1].toString();
        }
        if (arg.paramLabel().equals("YYYY-MM-DD")) {
            return "2026-07-01";
        }
        return arg.completionCandidates() != null && arg.completionCandidates().iterator().hasNext()
                ? arg.completionCandidates().iterator().next() : "sample-" + arg.paramLabel();
    }

    private static List<String> values(CommandSpec spec) {
        return spec.args().stream().map(arg -> label(arg) + "=" + arg.getValue()).sorted().toList();
    }

    private static String help(CommandSpec spec) {
        return new CommandLine(spec).getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    /** Every attribute of a command picocli acts on, one per line, its strings as written. */
    private static String describe(CommandSpec spec) {
        spec.interpolateVariables(false);
        spec.mixins().values().forEach(mixin -> mixin.interpolateVariables(false));
        UsageMessageSpec usage = spec.usageMessage();
        StringBuilder d = new StringBuilder();
        line(d, "name", spec.name());
        line(d, "aliases", Arrays.toString(spec.aliases()));
        line(d, "version", Arrays.toString(spec.version()));
        line(d, "versionProvider", spec.versionProvider() == null ? null : spec.versionProvider().getClass().getName());
        line(d, "mixins", spec.mixins().keySet().toString());
        line(d, "mixinStandardHelpOptions", spec.mixinStandardHelpOptions());
        line(d, "exitCodes", List.of(spec.exitCodeOnSuccess(), spec.exitCodeOnUsageHelp(), spec.exitCodeOnVersionHelp(),
                spec.exitCodeOnInvalidInput(), spec.exitCodeOnExecutionException()));
        line(d, "description", Arrays.toString(usage.description()));
        line(d, "header", Arrays.toString(usage.header()));
        line(d, "footer", Arrays.toString(usage.footer()));
        line(d, "headings", List.of(usage.headerHeading(), usage.synopsisHeading(), usage.descriptionHeading(),
                usage.parameterListHeading(), usage.optionListHeading(), usage.commandListHeading(), usage.footerHeading(),
                usage.exitCodeListHeading()));
        line(d, "exitCodeList", usage.exitCodeList());
        // in picocli's help and parsing, an option's place among the others plays no part (the order of
        // a class's methods is the JVM's)
        for (ArgSpec arg : spec.args().stream().sorted(java.util.Comparator.comparing(CommandModelsTest::label)).toList()) {
            d.append(label(arg)).append(":\n");
            line(d, "  paramLabel", arg.paramLabel());
            line(d, "  description", Arrays.toString(arg.description()));
            line(d, "  descriptionKey", arg.descriptionKey());
            line(d, "  arity", arg.arity() + (arg.arity().isUnspecified() ? " (unspecified)" : ""));
            line(d, "  type", arg.type().getName() + " " + Arrays.toString(arg.auxiliaryTypes()));
            line(d, "  required", arg.required());
            line(d, "  hidden", arg.hidden());
            line(d, "  hideParamSyntax", arg.hideParamSyntax());
            line(d, "  scope", arg.scopeType());
            line(d, "  inherited", arg.inherited());
            line(d, "  defaultValue", arg.defaultValue());
            line(d, "  showDefaultValue", arg.showDefaultValue());
            line(d, "  initialValue", arg.hasInitialValue() + " " + arg.initialValue());
            line(d, "  split", arg.splitRegex() + " " + arg.splitRegexSynopsisLabel());
            line(d, "  interactive", arg.interactive() + " " + arg.echo() + " " + arg.prompt());
            line(d, "  converters", arg.converters().length);
            line(d, "  completionCandidates", arg.completionCandidates() == null ? null : String.join(",", arg.completionCandidates()));
            line(d, "  value", arg.getValue());
            if (arg instanceof OptionSpec option) {
                line(d, "  help", List.of(option.usageHelp(), option.versionHelp(), option.help()));
                line(d, "  negatable", option.negatable());
                line(d, "  fallbackValue", option.fallbackValue());
                line(d, "  order", option.order());
            } else {
                line(d, "  index", ((PositionalParamSpec) arg).index());
            }
        }
        return d.toString();
    }

    private static String label(ArgSpec arg) {
        return arg instanceof OptionSpec option ? String.join("|", option.names()) : "positional " + ((PositionalParamSpec) arg).index();
    }

    private static void line(StringBuilder d, String key, Object value) {
        d.append(key).append(" = ").append(value instanceof Map<?, ?> map ? map.toString() : String.valueOf(value)).append('\n');
    }
}
