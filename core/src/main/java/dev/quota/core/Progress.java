package dev.quota.core;

/**
 * What a long piece of work reports as it goes (a bulk load, the nightly scan), for a
 * person to watch: the CLI draws it on a terminal and nowhere else. Called often, from the
 * working threads: an implementation keeps it cheap.
 */
@FunctionalInterface
public interface Progress {

    /** Nobody is watching. */
    Progress NONE = (phase, done, total) -> { };

    /** {@code done} of {@code total} units of {@code phase} so far; {@code total} 0 when unknown. */
    void update(String phase, long done, long total);
}
