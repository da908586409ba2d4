package dev.quota.cli;

import picocli.CommandLine.Option;

/**
 * {@code --read-url}, for the commands that only read: a hot standby of the database, so
 * that support's lookups and the nightly scan leave the primary to the chat. Without it,
 * {@code QUOTA_READ_URL}; without that, they read the primary. The command reads it through
 * {@link Invocation#readSession(ReadUrlOption)}.
 */
public final class ReadUrlOption {

    @Option(names = "--read-url", paramLabel = "URL",
            description = "A hot standby to read from instead of the primary (default: QUOTA_READ_URL, else the primary)")
    String url;

    public String url() {
        return url;
    }
}
