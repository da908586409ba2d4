package dev.quota.core.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

/**
 * The dependencies between the packages of a module's compiled classes, read by the JDK's
 * own {@code jdeps} from the bytecode (not from imports, which miss fully qualified names),
 * and the cycles among them: what a layering test asserts is empty.
 */
public final class PackageGraph {

    private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s");

    private final Map<String, Set<String>> edges;

    private PackageGraph(Map<String, Set<String>> edges) {
        this.edges = edges;
    }

    /** The graph of the packages under {@code prefix} in {@code classes} (a module's target/classes). */
    public static PackageGraph of(Path classes, String prefix) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new IllegalStateException("this JDK has no jdeps"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:package", "-filter:none",
                "-e", Pattern.quote(prefix) + ".*", classes.toString());
        if (exit != 0) {
            throw new IllegalStateException("jdeps failed: " + err);
        }
        Map<String, Set<String>> edges = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            Matcher edge = EDGE.matcher(line);
            if (edge.find() && edge.group(1).startsWith(prefix) && edge.group(2).startsWith(prefix) && !edge.group(1).equals(edge.group(2))) {
                edges.computeIfAbsent(edge.group(1), from -> new TreeSet<>()).add(edge.group(2));
            }
        }
        return new PackageGraph(edges);
    }

    public Set<String> dependenciesOf(String pkg) {
        return edges.getOrDefault(pkg, Set.of());
    }

    /** The strongly connected groups of more than one package (Tarjan): each is a cycle to break. */
    public List<Set<String>> cycles() {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new HashSet<>();
        List<Set<String>> cycles = new ArrayList<>();
        for (String pkg : edges.keySet()) {
            if (!index.containsKey(pkg)) {
                connect(pkg, index, low, stack, onStack, cycles);
            }
        }
        return cycles;
    }

    private void connect(String pkg, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack, Set<String> onStack,
                         List<Set<String>> cycles) {
        index.put(pkg, index.size());
        low.put(pkg, index.get(pkg));
        stack.push(pkg);
        onStack.add(pkg);
        for (String next : dependenciesOf(pkg)) {
            if (!index.containsKey(next)) {
                connect(next, index, low, stack, onStack, cycles);
                low.put(pkg, Math.min(low.get(pkg), low.get(next)));
            } else if (onStack.contains(next)) {
                low.put(pkg, Math.min(low.get(pkg), index.get(next)));
            }
        }
        if (low.get(pkg).equals(index.get(pkg))) {
            Set<String> group = new TreeSet<>();
            String member;
            do {
                member = stack.pop();
                onStack.remove(member);
                group.add(member);
            } while (!member.equals(pkg));
            if (group.size() > 1) {
                cycles.add(group);
            }
        }
    }
}
