package dev.quota.cli;

import dev.quota.core.strategy.Strategies;
import java.util.Iterator;
import picocli.CommandLine.Option;

/** {@code --strategy}, for the commands that run the chat path: {@code consume} and {@code simulate}. */
public final class StrategyOption {

    @Option(names = "--strategy", paramLabel = "NAME", defaultValue = Strategies.DEFAULT,
            completionCandidates = Names.class,
            description = "Consumption strategy: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    String name = Strategies.DEFAULT;

    public String name() {
        return name;
    }

    /** Strategy names for completion and help. */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Strategies.NAMES.iterator();
        }
    }
}
