package dev.quota.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.quota.core.UserKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine.Help.Ansi;

/**
 * Where results go. Data goes to stdout, diagnostics to stderr. With {@code -o json} stdout
 * carries exactly one document: {@code {"data": ..., "meta": ...}} on success or
 * {@code {"error": {code, message, details, request_id}}} on failure, snake_case keys.
 */
public final class Output {

    public enum Format { table, json }

    /**
     * Views are records; their components come out in snake_case, in declaration order. Built
     * on first use only: a table-printing command does not pay Jackson's start-up.
     */
    private static final class Mapper {
        static final ObjectMapper JSON = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                // a user key as the product writes it: a number for whole numbers, a string for uuid and text
                .registerModule(new SimpleModule().addSerializer(UserKey.class, new StdSerializer<>(UserKey.class) {
                    @Override
                    public void serialize(UserKey key, JsonGenerator json, SerializerProvider provider) throws IOException {
                        provider.defaultSerializeValue(key.jsonValue(), json);
                    }
                }))
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    private final PrintWriter out;
    private final PrintWriter err;
    private final Format format;
    private final boolean colour;

    public Output(PrintWriter out, PrintWriter err, Format format, boolean colour) {
        this.out = out;
        this.err = err;
        this.format = format;
        this.colour = colour;
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

    /** The two JSON envelopes: {@code {data, meta}} and {@code {error}}. */
    record DataDocument(Object data, Meta meta) {
    }

    record Meta(String requestId) {
    }

    record ErrorDocument(ErrorBody error) {
    }

    record ErrorBody(String code, String message, Map<String, ?> details, String requestId) {
    }

    /**
     * Emits a result: the data document with {@code -o json}, else what {@code table} prints.
     * The request id is asked for only by the document: a read's table needs none, and
     * generating one seeds the JVM's secure random source, a tenth of a JVM's start.
     */
    public void result(Object data, Supplier<String> requestId, Consumer<PrintWriter> table) {
        if (json()) {
            write(new DataDocument(data, new Meta(requestId.get())));
        } else {
            table.accept(out);
        }
        out.flush();
    }

    public void error(String code, String message, Map<String, ?> details, String requestId) {
        if (json()) {
            write(new ErrorDocument(new ErrorBody(code, message, details == null ? Map.of() : details, requestId)));
            out.flush();
        } else {
            err.println(style("bold,red", "error") + " [" + code + "]: " + oneLine(message));
        }
        err.flush();
    }

    /**
     * An error is one line on a terminal, whatever the input it quotes: a user reference or
     * reason typed with a line break must not split it (scripts read the first line).
     */
    static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\R", " ").replaceAll("\\p{Cntrl}", "?");
    }

    /** Progress and notes for people: stderr, never mixed into a JSON document. */
    public void note(String line) {
        err.println(line);
        err.flush();
    }

    /** {@code text} in picocli's {@code styles} ("bold,red") with colour on; as it is without, picocli's markup parser not run. */
    public String style(String styles, String text) {
        return colour ? Ansi.ON.string("@|" + styles + " " + text.replace("|@", "| @") + "|@") : text;
    }

    private void write(Object document) {
        out.println(json(document));
    }

    /** A document as the CLI writes JSON everywhere: ISO-8601 instants, indented. */
    public static String json(Object document) {
        try {
            return Mapper.JSON.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
