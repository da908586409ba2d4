package dev.quota.cli.commands;

import java.util.function.Supplier;
import org.jline.terminal.Terminal;

/** Lets tests give the shell a terminal with scripted input. */
public final class ShellAccess {

    private static final Supplier<Terminal> SYSTEM = ShellCommand.terminals;

    private ShellAccess() {
    }

    public static void useTerminal(Supplier<Terminal> terminals) {
        ShellCommand.terminals = terminals;
    }

    public static void useSystemTerminal() {
        ShellCommand.terminals = SYSTEM;
    }
}
