package dev.quota.cli;

import picocli.CommandLine.Model.CommandSpec;

/**
 * picocli's models of the root and the one-shot commands ({@link QuotaCommand#ONE_SHOT}),
 * written as Java at build time by {@code CommandModelWriter} (src/build/java) from picocli's
 * own reading of their annotations. Reading annotations at run time costs a support command
 * more than anything else it does before its login: the JVM makes a proxy class per annotation
 * type, and the reflective bindings spin method handles on a JDK 18+ (docs/bench.md,
 * "Start-up"). The annotations stay the one definition of each command; CommandModelsTest
 * holds every written model to picocli's reflective one. A build that did not run the writer
 * (an IDE's) has none, and the tree is built by reflection.
 */
abstract class CommandModels {

    /** The class the writer makes: it extends this one and installs itself when loaded. */
    static final String WRITTEN = "dev.quota.cli.WrittenCommandModels";

    private static CommandModels installed;
    private static boolean looked;

    /** The written models, or null in a build without them. */
    static synchronized CommandModels written() {
        if (!looked) {
            looked = true;
            try {
                Class.forName(WRITTEN, true, CommandModels.class.getClassLoader());
            } catch (ClassNotFoundException notWritten) {
                // an IDE's build: the tree is built by reflection
            }
        }
        return installed;
    }

    static synchronized void install(CommandModels models) {
        installed = models;
    }

    /** The subcommand of this name (or alias), any of them, written or not; null if none has it. */
    abstract Class<?> subcommandNamed(String name);

    /** The root command's model, on a new {@link QuotaCommand} made on {@code invocation}. */
    abstract CommandSpec root(Invocation invocation);

    /** The model of subcommand {@code type}, on a new instance made on {@code invocation}; null if it was not written. */
    abstract CommandSpec subcommand(Class<?> type, Invocation invocation);
}
