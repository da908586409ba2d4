package dev.quota.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IAnnotatedElement;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Spec;

/**
 * Writes, at build time, picocli's models of the one-shot commands as Java source that builds
 * them without reading an annotation ({@link CommandModels}). The models come from picocli's
 * own reading of the annotations, made here by reflection, so what a command accepts and how
 * its help reads stay defined by its annotations alone; CommandModelsTest compares each written
 * model with the reflective one. What this writer does not carry (an argument group, a
 * converter, a subcommand of a subcommand...) stops the build with the command and the
 * attribute named, rather than a model that differs.
 * <p>
 * Run by cli's build (pom.xml, process-classes) as {@code CommandModelWriter OUTPUT_DIRECTORY}.
 */
public final class CommandModelWriter {

    /** The class written for the registry of the models: {@link CommandModels#WRITTEN}. */
    private static final String REGISTRY = CommandModels.WRITTEN;

    private final Path output;
    /** The classes written so far (a mixin shared by several commands is written once), to the name of their model. */
    private final Map<Class<?>, String> written = new LinkedHashMap<>();

    private CommandModelWriter(Path output) {
        this.output = output;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: CommandModelWriter OUTPUT_DIRECTORY");
        }
        new CommandModelWriter(Path.of(args[0])).writeAll();
    }

    private void writeAll() throws IOException {
        PrintWriter discard = new PrintWriter(Writer.nullWriter());
        Invocation invocation = new Invocation(CliContext.system(), discard, discard, QuotaCli::commandLine);
        CommandFactory factory = new CommandFactory(invocation);
        CommandSpec root = reflective(QuotaCommand.class, factory);
        String rootModel = write(root, QuotaCommand.class);
        Map<Class<?>, String> subcommands = new LinkedHashMap<>();
        Map<String, Class<?>> names = new LinkedHashMap<>();
        for (Class<?> subcommand : QuotaCommand.SUBCOMMANDS) {
            CommandSpec spec = reflective(subcommand, factory);
            names.put(spec.name(), subcommand);
            for (String alias : spec.aliases()) {
                names.put(alias, subcommand);
            }
            if (QuotaCommand.ONE_SHOT.contains(subcommand)) {
                subcommands.put(subcommand, write(spec, subcommand));
            }
        }
        writeRegistry(rootModel, subcommands, names, root.mixins().get(STANDARD_HELP));
    }

    /** picocli's model of {@code type} as its annotations give it, its strings as written (not interpolated). */
    private static CommandSpec reflective(Class<?> type, CommandFactory factory) {
        CommandSpec spec = new CommandLine(type, factory).getCommandSpec();
        rawStrings(spec);
        return spec;
    }

    private static void rawStrings(CommandSpec spec) {
        spec.interpolateVariables(false);
        spec.mixins().values().forEach(CommandModelWriter::rawStrings);
    }

    // ---------------------------------------------------------------- one class

    private static final String STANDARD_HELP = "mixinStandardHelpOptions";

    /** An option with every attribute at picocli's default, to tell which ones an argument sets. */
    private static final OptionSpec PLAIN_OPTION = OptionSpec.builder("-x").build();

    /** The usage message's texts a @Command sets, by the name of their setter (sorted: the same source every build). */
    private static final Map<String, Function<UsageMessageSpec, String[]>> USAGE_TEXTS = new TreeMap<>(Map.of(
            "description", UsageMessageSpec::description, "header", UsageMessageSpec::header,
            "footer", UsageMessageSpec::footer, "customSynopsis", UsageMessageSpec::customSynopsis));

    /** The usage message's headings a @Command sets, by the name of their setter. */
    private static final Map<String, Function<UsageMessageSpec, String>> USAGE_HEADINGS = new TreeMap<>(Map.of(
            "headerHeading", UsageMessageSpec::headerHeading, "synopsisHeading", UsageMessageSpec::synopsisHeading,
            "descriptionHeading", UsageMessageSpec::descriptionHeading, "parameterListHeading", UsageMessageSpec::parameterListHeading,
            "optionListHeading", UsageMessageSpec::optionListHeading, "commandListHeading", UsageMessageSpec::commandListHeading,
            "footerHeading", UsageMessageSpec::footerHeading, "exitCodeListHeading", UsageMessageSpec::exitCodeListHeading));

    /**
     * Writes the model of {@code type} (a command, or a mixin of one) and those of its mixins;
     * returns the name of the class written.
     */
    private String write(CommandSpec spec, Class<?> type) throws IOException {
        String known = written.get(type);
        if (known != null) {
            return known;
        }
        String model = type.getPackageName() + "." + modelName(type);
        written.put(type, model);
        if (!spec.subcommands().isEmpty() || !spec.argGroups().isEmpty() || !spec.unmatchedArgsBindings().isEmpty()
                || !spec.parentCommandElements().isEmpty()) {
            throw unsupported(type, "subcommands, argument groups, @Unmatched or @ParentCommand");
        }
        Map<ArgSpec, String> mixinOf = new IdentityHashMap<>();
        spec.mixins().forEach((name, mixin) -> mixin.args().forEach(arg -> mixinOf.put(arg, name)));

        List<Member> members = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        Set<String> mixinsAdded = new LinkedHashSet<>();
        if (type.isAnnotationPresent(CommandLine.Command.class)) {
            commandAttributes(body, spec, type);
        }
        for (ArgSpec arg : spec.args()) {
            String mixin = mixinOf.get(arg);
            if (mixin == null) {
                Member member = member(arg, type);
                members.add(member);
                String binding = "binding" + (members.size() - 1);
                body.append("        Binding ").append(binding).append(" = new Binding(object, ").append(members.size() - 1).append(");\n");
                body.append("        spec.").append(arg.isOption() ? "addOption" : "addPositional").append("(")
                        .append(argument(arg, type, binding)).append(");\n");
            } else if (mixinsAdded.add(mixin)) {
                mixin(body, spec, mixin, type);
            }
        }
        for (String mixin : spec.mixins().keySet()) {
            if (mixinsAdded.add(mixin)) {
                mixin(body, spec, mixin, type);
            }
        }
        for (IAnnotatedElement element : spec.specElements()) {
            Field field = field(element, type);
            boolean mixee = field.getAnnotation(Spec.class).value() == Spec.Target.MIXEE;
            body.append("        object.").append(field.getName()).append(" = ").append(mixee ? "mixee" : "spec").append(";\n");
        }
        writeClass(type, model, body.toString(), members);
        return model;
    }

    private void mixin(StringBuilder body, CommandSpec spec, String name, Class<?> type) throws IOException {
        if (name.equals(STANDARD_HELP)) {
            body.append("        spec.addMixin(\"").append(STANDARD_HELP).append("\", ").append(REGISTRY).append(".standardHelpOptions());\n");
            return;
        }
        IAnnotatedElement element = spec.mixinAnnotatedElements().get(name);
        if (element == null) {
            throw unsupported(type, "mixin '" + name + "' that is not a @Mixin field");
        }
        Field field = field(element, type);
        String mixinModel = write(spec.mixins().get(name), field.getType());
        body.append("        object.").append(field.getName()).append(" = ").append(mixinModel).append(".create(invocation);\n");
        body.append("        spec.addMixin(").append(literal(name)).append(", ").append(mixinModel).append(".spec(object.")
                .append(field.getName()).append(", invocation, spec));\n");
    }

    private static void commandAttributes(StringBuilder body, CommandSpec spec, Class<?> type) {
        CommandSpec defaults = CommandSpec.create();
        body.append("        spec.name(").append(literal(spec.name())).append(");\n");
        if (spec.aliases().length > 0) {
            body.append("        spec.aliases(").append(literals(spec.aliases())).append(");\n");
        }
        if (spec.versionProvider() != null) {
            body.append("        spec.versionProvider(new ").append(sourceName(spec.versionProvider().getClass())).append("());\n");
        }
        // version() answers the provider's lines when there is one: those of the JVM that runs it, not the build's
        if (spec.versionProvider() == null && spec.version().length > 0) {
            body.append("        spec.version(").append(literals(spec.version())).append(");\n");
        }
        UsageMessageSpec usage = spec.usageMessage();
        UsageMessageSpec plain = defaults.usageMessage();
        USAGE_TEXTS.forEach((attribute, text) -> {
            if (!Arrays.equals(text.apply(usage), text.apply(plain))) {
                body.append("        spec.usageMessage().").append(attribute).append("(").append(literals(text.apply(usage))).append(");\n");
            }
        });
        USAGE_HEADINGS.forEach((attribute, heading) -> {
            if (!Objects.equals(heading.apply(usage), heading.apply(plain))) {
                body.append("        spec.usageMessage().").append(attribute).append("(").append(literal(heading.apply(usage))).append(");\n");
            }
        });
        if (!usage.exitCodeList().equals(plain.exitCodeList())) {
            body.append("        java.util.Map<String, String> exitCodes = new java.util.LinkedHashMap<>();\n");
            usage.exitCodeList().forEach((code, meaning) -> body.append("        exitCodes.put(").append(literal(code)).append(", ")
                    .append(literal(meaning)).append(");\n"));
            body.append("        spec.usageMessage().exitCodeList(exitCodes);\n");
        }
        if (usage.abbreviateSynopsis() != plain.abbreviateSynopsis() || usage.sortOptions() != plain.sortOptions()
                || usage.showDefaultValues() != plain.showDefaultValues() || usage.hidden() != plain.hidden()
                || usage.width() != plain.width() || usage.autoWidth() != plain.autoWidth()
                || !Objects.equals(usage.requiredOptionMarker(), plain.requiredOptionMarker())
                || !Objects.equals(usage.synopsisSubcommandLabel(), plain.synopsisSubcommandLabel())
                || usage.showAtFileInUsageHelp() != plain.showAtFileInUsageHelp()
                || usage.showEndOfOptionsDelimiterInUsageHelp() != plain.showEndOfOptionsDelimiterInUsageHelp()
                || !Objects.equals(usage.sectionKeys(), plain.sectionKeys())) {
            throw unsupported(type, "a usage-help setting other than its texts");
        }
        if (spec.exitCodeOnSuccess() != defaults.exitCodeOnSuccess() || spec.exitCodeOnUsageHelp() != defaults.exitCodeOnUsageHelp()
                || spec.exitCodeOnVersionHelp() != defaults.exitCodeOnVersionHelp()
                || spec.exitCodeOnInvalidInput() != defaults.exitCodeOnInvalidInput()
                || spec.exitCodeOnExecutionException() != defaults.exitCodeOnExecutionException()
                || spec.defaultValueProvider() != null || spec.helpCommand() || spec.isAddMethodSubcommands() != defaults.isAddMethodSubcommands()
                || spec.scopeType() != defaults.scopeType() || spec.subcommandsRepeatable()
                || spec.resourceBundleBaseName() != null) {
            throw unsupported(type, "a @Command attribute other than name, aliases, version and usage texts");
        }
    }

    /** The builder expression of an option or positional parameter, bound through {@code binding} (null: unbound). */
    private static String argument(ArgSpec arg, Class<?> type, String binding) {
        StringBuilder b = new StringBuilder();
        if (arg instanceof OptionSpec option) {
            b.append("CommandLine.Model.OptionSpec.builder(").append(literals(option.names())).append(")");
            if (option.usageHelp()) {
                b.append(".usageHelp(true)");
            }
            if (option.versionHelp()) {
                b.append(".versionHelp(true)");
            }
            if (option.negatable()) {
                b.append(".negatable(true)");
            }
            if (!option.fallbackValue().isEmpty()) {
                b.append(".fallbackValue(").append(literal(option.fallbackValue())).append(")");
            }
            if (option.order() != PLAIN_OPTION.order()) {
                b.append(".order(").append(option.order()).append(")");
            }
        } else {
            PositionalParamSpec positional = (PositionalParamSpec) arg;
            b.append("CommandLine.Model.PositionalParamSpec.builder().index(").append(literal(positional.index().originalValue())).append(")");
        }
        if (arg.interactive() || arg.parameterConsumer() != PLAIN_OPTION.parameterConsumer()
                || arg.preprocessor().getClass() != PLAIN_OPTION.preprocessor().getClass()
                || !Objects.equals(arg.mapFallbackValue(), PLAIN_OPTION.mapFallbackValue()) || !arg.splitRegex().isEmpty()
                || arg.inherited()) {
            throw unsupported(type, "argument " + arg.paramLabel() + ": interactive, split, a map fallback, a consumer or a preprocessor");
        }
        if (arg.converters().length > 0) {
            throw unsupported(type, "argument " + arg.paramLabel() + ": a converter");
        }
        b.append(".paramLabel(").append(literal(arg.paramLabel())).append(")");
        if (arg.hideParamSyntax()) {
            b.append(".hideParamSyntax(true)");
        }
        b.append(".description(").append(literals(arg.description())).append(")");
        if (arg.descriptionKey() != null) {
            b.append(".descriptionKey(").append(literal(arg.descriptionKey())).append(")");
        }
        if (arg.prompt() != null) {
            b.append(".prompt(").append(literal(arg.prompt())).append(")");
        }
        if (!arg.arity().isUnspecified()) {
            b.append(".arity(").append(literal(arg.arity().originalValue())).append(")");
        }
        if (arg.required()) {
            b.append(".required(true)");
        }
        if (arg.hidden()) {
            b.append(".hidden(true)");
        }
        if (arg.scopeType() != CommandLine.ScopeType.LOCAL) {
            b.append(".scopeType(CommandLine.ScopeType.").append(arg.scopeType().name()).append(")");
        }
        b.append(".type(").append(sourceName(arg.type())).append(".class)");
        b.append(".auxiliaryTypes(").append(Arrays.stream(arg.auxiliaryTypes()).map(t -> sourceName(t) + ".class")
                .collect(Collectors.joining(", "))).append(")");
        if (arg.defaultValue() != null) {
            b.append(".defaultValue(").append(literal(arg.defaultValue())).append(")");
        }
        if (arg.showDefaultValue() != CommandLine.Help.Visibility.ON_DEMAND) {
            b.append(".showDefaultValue(CommandLine.Help.Visibility.").append(arg.showDefaultValue().name()).append(")");
        }
        if (arg.completionCandidates() != null && !arg.type().isEnum()) {
            Class<?> candidates = arg.completionCandidates().getClass();
            if (candidates.getName().startsWith("picocli.")) {
                throw unsupported(type, "argument " + arg.paramLabel() + ": completion candidates picocli made");
            }
            b.append(".completionCandidates(new ").append(sourceName(candidates)).append("())");
        }
        b.append(".hasInitialValue(").append(arg.hasInitialValue()).append(")");
        if (binding == null) {
            if (arg.hasInitialValue()) {
                b.append(".initialValue(").append(initialValue(arg.initialValue(), type, arg)).append(")");
            }
        } else {
            if (arg.hasInitialValue()) {
                // a field's value when the model is built, as picocli reads it
                b.append(".initialValue(").append(binding).append(".get())");
            }
            b.append(".getter(").append(binding).append(").setter(").append(binding).append(")");
        }
        return b.append(".build()").toString();
    }

    private static String initialValue(Object value, Class<?> type, ArgSpec arg) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Boolean || value instanceof Integer) {
            return value.toString();
        }
        if (value instanceof String text) {
            return literal(text);
        }
        throw unsupported(type, "argument " + arg.paramLabel() + ": an initial value of " + value.getClass());
    }

    /** The field or method {@code arg} is bound to, which the written code must reach. */
    private static Member member(ArgSpec arg, Class<?> type) {
        Object target = arg.userObject();
        if (!(target instanceof Field) && !(target instanceof Method)) {
            throw unsupported(type, "argument " + arg.paramLabel() + " bound to neither a field nor a method");
        }
        Member member = (Member) target;
        reachable(member, type);
        return member;
    }

    private static Field field(IAnnotatedElement element, Class<?> type) {
        if (!(element.userObject() instanceof Field field)) {
            throw unsupported(type, "an annotated element that is not a field: " + element);
        }
        reachable(field, type);
        return field;
    }

    private static void reachable(Member member, Class<?> type) {
        if (Modifier.isPrivate(member.getModifiers()) || !member.getDeclaringClass().getPackageName().equals(type.getPackageName())
                && !Modifier.isPublic(member.getModifiers())) {
            throw unsupported(type, member.getName() + " is private (or outside its package): make it package-private for "
                    + modelName(type));
        }
    }

    // ---------------------------------------------------------------- the source

    private void writeClass(Class<?> type, String model, String body, List<Member> members) throws IOException {
        String simple = model.substring(model.lastIndexOf('.') + 1);
        String self = sourceName(type);
        StringBuilder s = new StringBuilder();
        s.append("package ").append(type.getPackageName()).append(";\n\n");
        s.append("import picocli.CommandLine;\n\n");
        s.append("/** picocli's model of {@link ").append(self).append("}, written by CommandModelWriter at build time: do not edit. */\n");
        s.append("public final class ").append(simple).append(" {\n\n");
        s.append("    private ").append(simple).append("() {\n    }\n\n");
        s.append("    public static ").append(self).append(" create(dev.quota.cli.Invocation invocation) {\n");
        s.append("        return new ").append(self).append(constructorTakesInvocation(type) ? "(invocation)" : "()").append(";\n    }\n\n");
        s.append("    /** The command's model as picocli reads it from {@code object}'s annotations; its mixins made on {@code invocation}. */\n");
        s.append("    public static CommandLine.Model.CommandSpec command(dev.quota.cli.Invocation invocation) {\n");
        s.append("        return spec(create(invocation), invocation, null);\n    }\n\n");
        s.append("    public static CommandLine.Model.CommandSpec spec(").append(self)
                .append(" object, dev.quota.cli.Invocation invocation, CommandLine.Model.CommandSpec mixee) {\n");
        s.append("        CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.wrapWithoutInspection(object);\n");
        s.append(body);
        s.append("        return spec;\n    }\n\n");
        binding(s, self, members);
        s.append("}\n");
        Path file = output.resolve(type.getPackageName().replace('.', '/')).resolve(simple + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, s.toString(), StandardCharsets.UTF_8);
    }

    /** One class serves every member as getter and setter: a class per member would be loaded on every start. */
    private static void binding(StringBuilder s, String self, List<Member> members) {
        s.append("    /** Reads and sets the annotated members of an object, as picocli's reflective bindings would. */\n");
        s.append("    private static final class Binding implements CommandLine.Model.IGetter, CommandLine.Model.ISetter {\n");
        s.append("        private final ").append(self).append(" object;\n");
        s.append("        private final int member;\n");
        s.append("        /** What a setter method was last given: picocli's method binding reads it back. */\n");
        s.append("        private Object given;\n\n");
        s.append("        Binding(").append(self).append(" object, int member) {\n");
        s.append("            this.object = object;\n            this.member = member;\n        }\n\n");
        s.append("        @Override\n        @SuppressWarnings(\"unchecked\")\n        public <T> T get() {\n");
        s.append("            switch (member) {\n");
        for (int i = 0; i < members.size(); i++) {
            Member member = members.get(i);
            s.append("                case ").append(i).append(": return (T) ")
                    .append(member instanceof Field ? "(Object) object." + member.getName() : "given").append(";\n");
        }
        s.append("                default: throw new IllegalStateException(\"no member \" + member);\n            }\n        }\n\n");
        s.append("        @Override\n        public <T> T set(T value) {\n            T previous = get();\n");
        s.append("            switch (member) {\n");
        for (int i = 0; i < members.size(); i++) {
            Member member = members.get(i);
            if (member instanceof Field field) {
                s.append("                case ").append(i).append(": object.").append(field.getName()).append(" = (")
                        .append(boxedSourceName(field.getGenericType())).append(") value; break;\n");
            } else {
                Method method = (Method) member;
                if (method.getParameterCount() != 1) {
                    throw new IllegalStateException("an annotated method must take one value: " + method);
                }
                s.append("                case ").append(i).append(": object.").append(method.getName()).append("((")
                        .append(boxedSourceName(method.getGenericParameterTypes()[0])).append(") value); given = value; break;\n");
            }
        }
        s.append("                default: throw new IllegalStateException(\"no member \" + member);\n            }\n");
        s.append("            return previous;\n        }\n    }\n");
    }

    private void writeRegistry(String rootModel, Map<Class<?>, String> subcommands, Map<String, Class<?>> names, CommandSpec standardHelp)
            throws IOException {
        String simple = REGISTRY.substring(REGISTRY.lastIndexOf('.') + 1);
        StringBuilder s = new StringBuilder();
        s.append("package ").append(REGISTRY, 0, REGISTRY.lastIndexOf('.')).append(";\n\n");
        s.append("import picocli.CommandLine;\n\n");
        s.append("/** The command models CommandModelWriter wrote at build time: do not edit. */\n");
        s.append("public final class ").append(simple).append(" extends CommandModels {\n\n");
        s.append("    static {\n        install(new ").append(simple).append("());\n    }\n\n");
        s.append("    private static final java.util.Map<String, Class<?>> NAMES = java.util.Map.ofEntries(\n");
        s.append(names.entrySet().stream().map(e -> "            java.util.Map.entry(" + literal(e.getKey()) + ", " + sourceName(e.getValue()) + ".class)")
                .collect(Collectors.joining(",\n"))).append(");\n\n");
        s.append("    @Override\n    Class<?> subcommandNamed(String name) {\n        return NAMES.get(name);\n    }\n\n");
        s.append("    @Override\n    CommandLine.Model.CommandSpec root(Invocation invocation) {\n");
        s.append("        return ").append(rootModel).append(".command(invocation);\n    }\n\n");
        s.append("    @Override\n    CommandLine.Model.CommandSpec subcommand(Class<?> type, Invocation invocation) {\n");
        for (Map.Entry<Class<?>, String> entry : subcommands.entrySet()) {
            s.append("        if (type == ").append(sourceName(entry.getKey())).append(".class) {\n");
            s.append("            return ").append(entry.getValue()).append(".command(invocation);\n        }\n");
        }
        s.append("        return null;\n    }\n\n");
        s.append("    /** picocli's standard help options (mixinStandardHelpOptions), without the reflection over its own mixin. */\n");
        s.append("    public static CommandLine.Model.CommandSpec standardHelpOptions() {\n");
        s.append("        CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.create();\n");
        for (ArgSpec arg : standardHelp.args()) {
            // unbound: picocli holds the value; set as its own mixin's field holds it before a parse
            String option = "option" + standardHelp.args().indexOf(arg);
            s.append("        CommandLine.Model.OptionSpec ").append(option).append(" = ").append(argument(arg, QuotaCommand.class, null))
                    .append(";\n");
            s.append("        ").append(option).append(".setValue(").append(initialValue(arg.getValue(), QuotaCommand.class, arg)).append(");\n");
            s.append("        spec.addOption(").append(option).append(");\n");
        }
        s.append("        return spec;\n    }\n}\n");
        Path file = output.resolve(REGISTRY.replace('.', '/') + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, s.toString(), StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- names and literals

    /** Whether {@code type} is made with the invocation, as {@link CommandFactory} makes it, else with no argument. */
    private static boolean constructorTakesInvocation(Class<?> type) {
        Constructor<?> constructor = CommandFactory.invocationConstructor(type);
        if (constructor != null) {
            reachable(constructor, type);
            return true;
        }
        try {
            reachable(type.getDeclaredConstructor(), type);
            return false;
        } catch (NoSuchMethodException none) {
            throw unsupported(type, "no constructor taking an Invocation nor one taking nothing");
        }
    }

    private static String modelName(Class<?> type) {
        String binary = type.getName().substring(type.getPackageName().length() + 1);
        return binary.replace('$', '_') + "Model";
    }

    private static String sourceName(Class<?> type) {
        return Objects.requireNonNull(type.getCanonicalName(), () -> type + " has no canonical name");
    }

    private static String boxedSourceName(Type type) {
        if (type instanceof Class<?> c) {
            if (c.isPrimitive()) {
                return c == int.class ? "Integer" : c == char.class ? "Character"
                        : Character.toUpperCase(c.getName().charAt(0)) + c.getName().substring(1);
            }
            return sourceName(c);
        }
        if (type instanceof ParameterizedType p) {
            return boxedSourceName(p.getRawType()) + Arrays.stream(p.getActualTypeArguments()).map(CommandModelWriter::boxedSourceName)
                    .collect(Collectors.joining(", ", "<", ">"));
        }
        throw new IllegalStateException("a member of type " + type + " is not carried by CommandModelWriter");
    }

    private static String literals(String[] values) {
        return Arrays.stream(values).map(CommandModelWriter::literal).collect(Collectors.joining(", "));
    }

    private static String literal(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static IllegalStateException unsupported(Class<?> type, String what) {
        return new IllegalStateException("CommandModelWriter: " + type.getName() + " uses " + what
                + ", which the written models do not carry; carry it in CommandModelWriter or take the command out of QuotaCommand.ONE_SHOT");
    }
}
