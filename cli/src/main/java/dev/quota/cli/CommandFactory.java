package dev.quota.cli;

import java.lang.reflect.Constructor;
import picocli.CommandLine;

/**
 * The one factory of the command tree: a command or mixin with a constructor taking the
 * {@link Invocation} gets it; anything else is made by picocli's default factory. So no
 * command reaches back to the root for what it needs, and tests and the shell run the same
 * tree on their own invocation.
 */
final class CommandFactory implements CommandLine.IFactory {

    private final Invocation invocation;
    private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

    CommandFactory(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        Constructor<?> constructor = invocationConstructor(type);
        if (constructor != null) {
            constructor.setAccessible(true);
            return type.cast(constructor.newInstance(invocation));
        }
        return fallback.create(type);
    }

    /** The constructor of {@code type} that takes the {@link Invocation}, or null: how a command or mixin is made. */
    static Constructor<?> invocationConstructor(Class<?> type) {
        for (Constructor<?> constructor : type.getDeclaredConstructors()) {
            Class<?>[] parameters = constructor.getParameterTypes();
            if (parameters.length == 1 && parameters[0] == Invocation.class) {
                return constructor;
            }
        }
        return null;
    }
}
