package dev.quota.bench;

import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Per-thread state of every benchmark: its own random stream for drawing users. */
@State(Scope.Thread)
public class Caller {

    SplittableRandom random;

    @Setup
    public void setUp() {
        random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
    }
}
