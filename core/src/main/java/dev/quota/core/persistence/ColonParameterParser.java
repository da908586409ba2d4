package dev.quota.core.persistence;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.statement.ParsedSql;
import org.jdbi.v3.core.statement.SqlParser;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Jdbi's default statement syntax ({@code :name} and {@code ?} parameters, as its
 * {@code ColonPrefixSqlParser} reads them) without its ANTLR lexer: building that lexer loads
 * about a hundred classes on a support command's start-up, for statements a single pass over
 * the characters parses. The rules are the lexer's grammar,
 * token for token (ColonStatementLexer.g4 of Jdbi 3.55): comments (block comments, and {@code --}
 * or {@code //} to the end of the line), quoted text with {@code \'}
 * inside, double-quoted names, a backslash escaping the next character, {@code ::} and
 * {@code ??} left as they are. {@code ColonParameterParserTest} holds it to Jdbi's parser
 * on every statement of the toolkit and on generated text.
 */
public final class ColonParameterParser implements SqlParser {

    /** The toolkit's statements are a fixed set; a bound keeps text built at run time from growing it. */
    private static final int CACHED_STATEMENTS = 2_000;

    private final Map<String, ParsedSql> parsed = new ConcurrentHashMap<>();

    @Override
    public ParsedSql parse(String sql, StatementContext ctx) {
        ParsedSql known = parsed.get(sql);
        if (known != null) {
            return known;
        }
        ParsedSql result = parse(sql);
        if (parsed.size() < CACHED_STATEMENTS) {
            parsed.putIfAbsent(sql, result);
        }
        return result;
    }

    @Override
    public String nameParameter(String rawName, StatementContext ctx) {
        return ":" + rawName;
    }

    /** The statement with its parameters, as Jdbi's lexer would split it. */
    public static ParsedSql parse(String sql) {
        ParsedSql.Builder out = ParsedSql.builder();
        int length = sql.length();
        int plain = 0; // where the text not yet appended starts
        int i = 0;
        while (i < length) {
            char c = sql.charAt(i);
            int end; // the end of a parameter name
            switch (c) {
                case '/', '-' -> i = endOfComment(sql, i);
                case '\'' -> i = endOfQuotedText(sql, i);
                case '"' -> i = endOfDoubleQuotedText(sql, i);
                case '\\' -> {
                    if (i + 1 < length) {
                        out.append(sql.substring(plain, i));
                        plain = i + 1; // the escaped character stays, the backslash goes
                        i = plain + Character.charCount(sql.codePointAt(plain));
                    } else {
                        i++;
                    }
                }
                case ':' -> {
                    if (i + 1 < length && sql.charAt(i + 1) == ':') {
                        i += 2;
                    } else if ((end = endOfName(sql, i + 1)) > i + 1) {
                        out.append(sql.substring(plain, i));
                        out.appendNamedParameter(sql.substring(i + 1, end));
                        plain = end;
                        i = end;
                    } else {
                        i++;
                    }
                }
                case '?' -> {
                    if (i + 1 < length && sql.charAt(i + 1) == '?') {
                        i += 2;
                    } else {
                        out.append(sql.substring(plain, i));
                        out.appendPositionalParameter();
                        plain = i + 1;
                        i = plain;
                    }
                }
                default -> i++;
            }
        }
        out.append(sql.substring(plain));
        return out.build();
    }

    /**
     * After the comment from {@code start}: a block comment, or {@code --} or {@code //} to
     * the end of the line (the line break not in it). One character on when it is not one.
     */
    private static int endOfComment(String sql, int start) {
        if (start + 1 >= sql.length()) {
            return start + 1;
        }
        char c = sql.charAt(start);
        char next = sql.charAt(start + 1);
        if (c == '/' && next == '*') {
            int close = sql.indexOf("*/", start + 2);
            return close >= 0 ? close + 2 : start + 1;
        }
        if (c == next) {
            int end = start + 2;
            while (end < sql.length() && sql.charAt(end) != '\n' && sql.charAt(end) != '\r') {
                end++;
            }
            return end;
        }
        return start + 1;
    }

    /**
     * After the longest quoted text from {@code start}: a quote inside it must follow a
     * backslash (the grammar's {@code \'}), so the text runs to the last quote reachable
     * through such quotes. One character on when no quote closes it.
     */
    private static int endOfQuotedText(String sql, int start) {
        int last = -1;
        for (int k = start + 1; k < sql.length(); k++) {
            if (sql.charAt(k) == '\'') {
                last = k;
                if (k - 1 == start || sql.charAt(k - 1) != '\\') {
                    break;
                }
            }
        }
        return last < 0 ? start + 1 : last + 1;
    }

    /** After a double-quoted name of at least one character; one character on when there is none. */
    private static int endOfDoubleQuotedText(String sql, int start) {
        int close = sql.indexOf('"', start + 1);
        return close > start + 1 ? close + 1 : start + 1;
    }

    /**
     * After the parameter name from {@code start}: Java letters ({@code a-z A-Z $ _}, and any
     * character beyond ASCII), digits, {@code .} and {@code ?.}.
     */
    private static int endOfName(String sql, int start) {
        int k = start;
        while (k < sql.length()) {
            char c = sql.charAt(k);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$' || c == '.') {
                k++;
            } else if (c == '?' && k + 1 < sql.length() && sql.charAt(k + 1) == '.') {
                k += 2;
            } else if (Character.isHighSurrogate(c)) {
                if (k + 1 < sql.length() && Character.isLowSurrogate(sql.charAt(k + 1))) {
                    k += 2;
                } else {
                    break;
                }
            } else if (c > 0x7F) {
                k++;
            } else {
                break;
            }
        }
        return k;
    }
}
