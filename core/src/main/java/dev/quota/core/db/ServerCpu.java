package dev.quota.core.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;

/**
 * The CPU a PostgreSQL server on this host has used, read from {@code /proc}: the
 * postmaster's own time and that of its children it has reaped (backends that ended), plus
 * each live child's. Every measurement of a server's CPU (the bench's split, the standby's
 * savings) reads it here. Linux only; the server must run on the measuring host.
 */
public final class ServerCpu {

    private static final double TICKS_PER_SECOND = 100; // USER_HZ, 100 on Linux

    private ServerCpu() {
    }

    /** The postmaster of the server {@code jdbi} reaches: the parent of one of its backends. */
    public static long postmasterOf(Jdbi jdbi) {
        long backend = jdbi.withHandle(handle -> handle.createQuery("SELECT pg_backend_pid()").mapTo(Long.class).one());
        try {
            return Long.parseLong(fieldsOf(Files.readString(Path.of("/proc", Long.toString(backend), "stat"))).get(1));
        } catch (IOException e) {
            throw new UncheckedIOException("the server's backend " + backend + " is not a process of this host", e);
        }
    }

    /** CPU seconds the server under {@code postmaster} has used so far. */
    public static double seconds(long postmaster) {
        long ticks = 0;
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                List<String> fields;
                try {
                    fields = fieldsOf(Files.readString(process.resolve("stat")));
                } catch (IOException gone) {
                    continue; // exited while we listed: its time is in the postmaster's reaped children's now
                }
                long pid = Long.parseLong(process.getFileName().toString());
                // fields after the name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
                if (pid == postmaster) {
                    ticks += Long.parseLong(fields.get(11)) + Long.parseLong(fields.get(12)) + Long.parseLong(fields.get(13))
                            + Long.parseLong(fields.get(14));
                } else if (Long.parseLong(fields.get(1)) == postmaster) {
                    ticks += Long.parseLong(fields.get(11)) + Long.parseLong(fields.get(12));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list /proc", e);
        }
        return ticks / TICKS_PER_SECOND;
    }

    /** The fields of a {@code stat} line after the command name, which may hold spaces and parentheses. */
    private static List<String> fieldsOf(String stat) {
        return List.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
    }
}
