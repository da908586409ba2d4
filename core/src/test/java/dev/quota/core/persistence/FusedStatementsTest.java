package dev.quota.core.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.statement.ColonPrefixSqlParser;
import org.jdbi.v3.core.statement.ParsedSql;
import org.junit.jupiter.api.Test;

/**
 * The hot paths' fused statements are assembled from the tables' own SQL; what PostgreSQL
 * finally runs is checked in, rendered, beside their classes
 * ({@code src/main/resources/dev/quota/core/persistence/*.sql}), with the parameter names the
 * code binds. A change to any piece that moves a statement or renames a parameter fails
 * here, in review, instead of at run time. To accept a change, render them again:
 * {@code mvn -pl core test -Dtest=FusedStatementsTest -Dquota.render=true}.
 */
class FusedStatementsTest {

    private static final Path RENDERED = Path.of("src/main/resources/dev/quota/core/persistence");

    private static Map<String, String> statements() {
        Map<String, String> statements = new LinkedHashMap<>();
        statements.put("ChatPathStatement.sql", ChatPathStatement.SQL);
        statements.put("CoalescedBatchStatements.open.sql", CoalescedBatchStatements.OPEN);
        statements.put("CoalescedBatchStatements.commit.sql", CoalescedBatchStatements.COMMIT);
        statements.put("GroupCommitStatements.open.sql", GroupCommitStatements.OPEN);
        statements.put("GroupCommitStatements.accept-all.sql", GroupCommitStatements.ACCEPT_ALL);
        statements.put("GroupCommitStatements.commit.sql", GroupCommitStatements.COMMIT);
        statements.put("ConsumeFunctionStatement.sql", ConsumeFunctionStatement.SQL);
        statements.put("CitusBatchStatements.contexts.sql", CitusBatchStatements.CONTEXTS);
        statements.put("CitusBatchStatements.lock-2.sql", UsageDao.lockOrCreateRows(2));
        statements.put("CitusBatchStatements.held.sql", CitusBatchStatements.HELD);
        statements.put("CitusBatchStatements.committed.sql", CitusBatchStatements.COMMITTED);
        statements.put("CitusBatchStatements.write.sql", UsageDao.WRITE_ALL);
        statements.put("CitusBatchStatements.store-2.sql", MessageDao.storeRowsOnAnyKey(2));
        return statements;
    }

    /** The file's text: the parameters bound by name, then the statement as assembled. */
    private static String rendered(String file, String sql) {
        ParsedSql parsed = new ColonPrefixSqlParser().parse(sql, null);
        return "-- " + file + ": rendered by FusedStatementsTest from the Java that assembles it; do not edit by hand.\n"
                + "-- parameters: " + String.join(", ", parsed.getParameters().getParameterNames().stream().distinct().toList()) + "\n"
                + sql.strip() + "\n";
    }

    @Test
    void givenEachFusedStatement_whenRendered_thenItMatchesItsCheckedInFile() throws IOException {
        boolean render = Boolean.getBoolean("quota.render");
        for (Map.Entry<String, String> statement : statements().entrySet()) {
            Path file = RENDERED.resolve(statement.getKey());
            String text = rendered(statement.getKey(), statement.getValue());
            if (render) {
                Files.writeString(file, text, StandardCharsets.UTF_8);
            }
            assertThat(file).as("%s is checked in (render with -Dquota.render=true)", file).exists();
            assertThat(Files.readString(file, StandardCharsets.UTF_8))
                    .as("%s as the code assembles it now (render with -Dquota.render=true, then review the diff)", file)
                    .isEqualTo(text);
        }
    }
}
