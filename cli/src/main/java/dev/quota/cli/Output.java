package dev.quota.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Help.Ansi;

/**
 * Where results go. Data goes to stdout, diagnostics to stderr. With {@code -o json} stdout
 * carries exactly one document: {@code {"data": ..., "meta": ...}} on success or
 * {@code {"error": {code, message, details, request_id}}} on failure, snake_case keys.
 */
public final class Output {

    public enum Format { table, json }

    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final PrintWriter out;
    private final PrintWriter err;
    private final Format format;
    private final Ansi ansi;

    public Output(PrintWriter out, PrintWriter err, Format format, boolean colour) {
        this.out = out;
        this.err = err;
        this.format = format;
        this.ansi = colour ? Ansi.ON : Ansi.OFF;
    }

    public boolean json() {
        return format == Format.json;
    }

    public PrintWriter out() {
        return out;
    }

    public PrintWriter err() {
        return err;
    }

    /** Emits a result: the data document with {@code -o json}, else what {@code table} prints. */
    public void result(Map<String, ?> data, String requestId, Consumer<PrintWriter> table) {
        if (json()) {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("data", data);
            document.put("meta", Map.of("request_id", requestId));
            write(document);
        } else {
            table.accept(out);
        }
        out.flush();
    }

    public void error(String code, String message, Map<String, ?> details, String requestId) {
        if (json()) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("code", code);
            error.put("message", message);
            error.put("details", details == null ? Map.of() : details);
            error.put("request_id", requestId);
            write(Map.of("error", error));
            out.flush();
        } else {
            err.println(style("bold,red", "error") + " [" + code + "]: " + message);
        }
        err.flush();
    }

    /** Progress and notes for people: stderr, never mixed into a JSON document. */
    public void note(String line) {
        err.println(line);
        err.flush();
    }

    public String style(String styles, String text) {
        return ansi.string("@|" + styles + " " + text.replace("|@", "| @") + "|@");
    }

    private void write(Object document) {
        out.println(json(document));
    }

    /** A document as the CLI writes JSON everywhere: ISO-8601 instants, indented. */
    public static String json(Object document) {
        try {
            return JSON.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
