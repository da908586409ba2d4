package dev.quota.core.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quota.core.db.Database;
import dev.quota.core.testing.SharedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.ColonPrefixSqlParser;
import org.jdbi.v3.core.statement.DefinedAttributeTemplateEngine;
import org.jdbi.v3.core.statement.ParsedSql;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlCall;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.junit.jupiter.api.Test;

/**
 * The parser the toolkit's Jdbi uses in place of Jdbi's default reads every statement as the
 * default (its template engine, then its ANTLR parser) did: a statement is never sent to the
 * server changed by the swap.
 */
class ColonParameterParserTest {

    private static final ColonPrefixSqlParser JDBI = new ColonPrefixSqlParser();

    @Test
    void givenEveryStatementOfTheToolkit_whenParsed_thenAsJdbisDefaultsParsedIt() {
        List<String> statements = toolkitStatements();

        assertThat(statements).hasSizeGreaterThan(50);
        try (Database database = Database.open(SharedPostgres.get().server().config(), Database.Connections.ONE);
             Handle handle = Jdbi.create(database.dataSource()).open()) {
            StatementContext context = handle.createQuery("SELECT 1").getContext();
            for (String sql : statements) {
                ParsedSql before = JDBI.parse(new DefinedAttributeTemplateEngine().render(sql, context), context);
                assertThat(ColonParameterParser.parse(sql)).as(sql).isEqualTo(before);
            }
        }
    }

    @Property(tries = 5_000)
    void givenAnyTextOfTheCharactersTheGrammarKnows_whenParsed_thenAsJdbisLexerSplitsIt(@ForAll("sqlish") String sql) {
        assertThat(outcome(() -> ColonParameterParser.parse(sql))).isEqualTo(outcome(() -> JDBI.parse(sql, null)));
    }

    /** The parse, or the refusal (named and positional parameters mixed) as its message. */
    private static Object outcome(Supplier<ParsedSql> parse) {
        try {
            return parse.get();
        } catch (RuntimeException refused) {
            return refused.getMessage();
        }
    }

    @Test
    void givenCastsAssignmentsAndQuotedColons_whenParsed_thenOnlyTheParametersAreParameters() {
        ParsedSql parsed = ColonParameterParser.parse(
                "SELECT CAST(:day AS date), x::text, ':not' , \"a:b\", /* :no */ v := 1, '\\'' || :last -- it's :no\n");

        assertThat(parsed.getParameters().getParameterNames()).containsExactly("day", "last");
        assertThat(parsed.getSql()).isEqualTo("SELECT CAST(? AS date), x::text, ':not' , \"a:b\", /* :no */ v := 1, '\\'' || ? -- it's :no\n");
    }

    /** Text of the characters the grammar tells apart. */
    @Provide
    Arbitrary<String> sqlish() {
        return Arbitraries.strings().withChars("ab1_.#:?'\"\\/*- \n\r<>$=é\uD83D\uDE00").ofMinLength(0).ofMaxLength(40);
    }

    /** Every statement text in core's classes (SQL object annotations, string constants) and its SQL files. */
    private static List<String> toolkitStatements() {
        List<String> statements = new ArrayList<>();
        Path classes = classesDirectory();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.toList()) {
                String name = classes.relativize(file).toString();
                if (name.endsWith(".sql")) {
                    statements.add(Files.readString(file));
                } else if (name.endsWith(".class") && !name.contains("-")) {
                    statements.addAll(statementsOf(Class.forName(name.replace('/', '.').replace(".class", ""), false,
                            ColonParameterParserTest.class.getClassLoader())));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return statements;
    }

    private static List<String> statementsOf(Class<?> type) {
        List<String> found = new ArrayList<>();
        for (Method method : type.getDeclaredMethods()) {
            Stream.of(method.getAnnotation(SqlQuery.class) == null ? null : method.getAnnotation(SqlQuery.class).value(),
                            method.getAnnotation(SqlUpdate.class) == null ? null : method.getAnnotation(SqlUpdate.class).value(),
                            method.getAnnotation(SqlBatch.class) == null ? null : method.getAnnotation(SqlBatch.class).value(),
                            method.getAnnotation(SqlCall.class) == null ? null : method.getAnnotation(SqlCall.class).value())
                    .filter(sql -> sql != null && !sql.isEmpty()).forEach(found::add);
        }
        for (Field field : type.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && Modifier.isFinal(field.getModifiers()) && field.getType() == String.class) {
                try {
                    field.setAccessible(true);
                    String value = (String) field.get(null);
                    if (value != null && value.matches("(?is).*\\b(select|insert|update|delete|create|alter)\\b.*")) {
                        found.add(value);
                    }
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // a constant that cannot be read without running the class's initialiser is not a statement here
                }
            }
        }
        return found;
    }

    private static Path classesDirectory() {
        try {
            return Path.of(ColonParameterParser.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
