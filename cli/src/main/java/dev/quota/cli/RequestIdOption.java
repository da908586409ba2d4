package dev.quota.cli;

import picocli.CommandLine.Option;

/**
 * {@code --request-id}, for the commands whose result or change a caller may want to trace
 * or retry. The command reads it through {@link Invocation#requestId()}, which validates it
 * or generates one.
 */
public final class RequestIdOption {

    static final String NAME = "--request-id";

    @Option(names = NAME, paramLabel = "ID",
            description = "Request id to log and to make a retried change idempotent (default: a new UUID)")
    String requestId;
}
