package dev.quota.cli;

import dev.quota.core.QuotaException;
import dev.quota.core.RequestIds;
import dev.quota.core.db.Database;
import dev.quota.core.db.Database.Connections;
import dev.quota.core.db.DatabaseConfig;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * What every command works with, handed to it by the one {@link CommandFactory}: the world
 * outside its arguments ({@link CliContext}), the global options as given, where its output
 * goes, its request id, and the session on the chosen database, opened on first use. The
 * shell keeps one across commands, so they share its open connection.
 */
public final class Invocation implements AutoCloseable {

    /** The options every command takes: {@code --db-url}, {@code -o}, {@code -v}. */
    public static final class GlobalOptions {
        String dbUrl;
        Output.Format format = Output.Format.table;
        boolean verbose;
    }

    private final CliContext world;
    private final GlobalOptions global;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Sessions sessions;
    private final Function<Invocation, CommandLine> commandLines;
    private String givenRequestId;
    private String requestId;

    /** The open sessions, shared by the invocations of one shell: on the primary, and on the read URL. */
    private static final class Sessions {
        Session current;
        Session reading;
    }

    /**
     * @param commandLines how the caller builds the command tree on an invocation: the shell
     *                     gets its tree from here, so no command reaches back to the root
     */
    public Invocation(CliContext world, PrintWriter out, PrintWriter err, Function<Invocation, CommandLine> commandLines) {
        this(world, new GlobalOptions(), out, err, new Sessions(), commandLines);
    }

    private Invocation(CliContext world, GlobalOptions global, PrintWriter out, PrintWriter err, Sessions sessions,
                       Function<Invocation, CommandLine> commandLines) {
        this.world = Objects.requireNonNull(world);
        this.global = global;
        this.out = out;
        this.err = err;
        this.sessions = sessions;
        this.commandLines = commandLines;
    }

    /** The command tree on this invocation (options, session), writing elsewhere: the shell's terminal. */
    public CommandLine commandLineWritingTo(PrintWriter shellOut, PrintWriter shellErr) {
        return commandLines.apply(new Invocation(world.withoutProgress(), global, shellOut, shellErr, sessions, commandLines));
    }

    GlobalOptions global() {
        return global;
    }

    public CliContext world() {
        return world;
    }

    /** The clock of the chosen database's server (opening the session if need be): what decides "today". */
    public Clock clock() {
        return session(false, Connections.ONE).clock();
    }

    public boolean verbose() {
        return global.verbose;
    }

    /**
     * Where a long command reports its progress: the terminal's status line when the
     * output is a table on a terminal with colour on, else nowhere. The caller closes it
     * before it prints its result.
     */
    public ProgressLine progress() {
        boolean drawn = global.format == Output.Format.table && world.colour();
        return ProgressLine.on(drawn ? world.progressTerminal().get() : null);
    }

    public Output output() {
        return new Output(out, err, global.format, world.colour());
    }

    /**
     * Starts a command with the {@code --request-id} it was given ({@link RequestIdOption}),
     * or none; the shell runs many commands on one invocation.
     */
    void startCommand(String givenId) {
        givenRequestId = givenId;
        requestId = null;
    }

    /**
     * Refuses a malformed {@code --request-id} ({@code invalid_input}); when none was given,
     * one is generated only once a command asks for it ({@link #requestId()}).
     */
    void requireValidRequestId() {
        if (givenRequestId != null) {
            requestId();
        }
    }

    /** The request id of the command being run: the one given (validated), or one generated per command. */
    public String requestId() {
        if (requestId == null) {
            requestId = RequestIds.orNew(givenRequestId);
        }
        return requestId;
    }

    /** The request id for an error document: never fails, even when the given one was the error. */
    String requestIdForErrors() {
        try {
            return requestId();
        } catch (QuotaException invalid) {
            requestId = RequestIds.orNew(null);
            return requestId;
        }
    }

    /** The session on the chosen database, on a pool, opened on first use and checked to hold the quota tables. */
    public Session session() {
        return session(true);
    }

    /** As {@link #session()}; {@code requireSchema} false for the commands that create or check it. */
    public Session session(boolean requireSchema) {
        return session(requireSchema, Connections.POOL);
    }

    /**
     * The session of a support command that runs its statements one after another (an
     * adjustment, a release): one connection is enough, and the shell's session serves it
     * whatever it holds.
     */
    public Session oneConnectionSession() {
        return session(true, Connections.ONE);
    }

    private Session session(boolean requireSchema, Connections need) {
        Session session = serving(sessions.current, global.dbUrl, need,
                connections -> Database.openDefault(global.dbUrl, world.env(), connections));
        sessions.current = session;
        if (requireSchema && !session.database().embedded()) {
            session.requireUsable();
        }
        return session;
    }

    /**
     * The session a read-only support command (show, history, top, holds) reads from, on one
     * connection: on the read URL ({@code --read-url}, else {@code QUOTA_READ_URL}) when one
     * is set, with that server's clock; otherwise the primary's. Nothing is opened on the
     * primary for it.
     */
    public Session readSession(ReadUrlOption option) {
        return readSession(option, true, Connections.ONE);
    }

    /** As {@link #readSession(ReadUrlOption)} on a pool; {@code requireSchema} false for the command that checks it. */
    public Session readSession(ReadUrlOption option, boolean requireSchema) {
        return readSession(option, requireSchema, Connections.POOL);
    }

    private Session readSession(ReadUrlOption option, boolean requireSchema, Connections need) {
        String url = option == null ? null : option.url();
        var config = DatabaseConfig.resolveReads(url, world.env());
        if (config.isEmpty()) {
            return session(requireSchema, need);
        }
        Session session = serving(sessions.reading, config.get().jdbcUrl(), need,
                connections -> Database.open(config.get().tunedBy(world.env()), connections));
        sessions.reading = session;
        if (requireSchema) {
            session.requireUsable();
        }
        return session;
    }

    /**
     * {@code held} if it serves {@code key} with what {@code need} asks (a pool serves every
     * need); else it is closed and a session on what {@code open} opens replaces it.
     */
    private Session serving(Session held, String key, Connections need, Function<Connections, Database> open) {
        if (held != null && held.serves(key, need)) {
            return held;
        }
        if (held != null) {
            held.close();
        }
        Database database = open.apply(need);
        return new Session(key, database, world.clockOf().apply(database));
    }

    @Override
    public void close() {
        try {
            if (sessions.reading != null) {
                sessions.reading.close();
                sessions.reading = null;
            }
        } finally {
            if (sessions.current != null) {
                sessions.current.close();
                sessions.current = null;
            }
        }
    }
}
