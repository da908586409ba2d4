package dev.quota.core;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The kinds of user key a product may have, each with the SQL type the toolkit keys its own
 * tables and the SQL API's functions by: whole numbers ({@code smallint}, {@code integer},
 * {@code bigint}) as {@code bigint}, {@code uuid} as {@code uuid}, and the text types
 * ({@code text}, {@code varchar}) as {@code text}. {@code quota db migrate} learns which from
 * the product's counter table and records it in {@code settings.user_key_type}.
 */
public enum UserKeyType {
    WHOLE_NUMBER("bigint", "a positive whole number"),
    UUID("uuid", "a uuid such as 6f1c8a52-0d3e-4b7a-9c41-2f5e8d9b0a17"),
    TEXT("text", "a text id of 1 to 255 characters without spaces");

    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final int TEXT_KEY_MAX = 255;

    private final String sqlType;
    private final String shape;

    UserKeyType(String sqlType, String shape) {
        this.sqlType = sqlType;
        this.shape = shape;
    }

    /** The SQL type of the toolkit's own key columns and function parameters. */
    public String sqlType() {
        return sqlType;
    }

    /** The kind of a declared SQL type ({@code format_type}), or empty when no user key may have it. */
    public static Optional<UserKeyType> ofDeclared(String declared) {
        String type = declared.toLowerCase(Locale.ROOT);
        if (List.of("smallint", "integer", "bigint").contains(type)) {
            return Optional.of(WHOLE_NUMBER);
        }
        if (type.equals("uuid")) {
            return Optional.of(UUID);
        }
        if (type.equals("text") || type.startsWith("character varying")) {
            return Optional.of(TEXT);
        }
        return Optional.empty();
    }

    /** The kind recorded in {@code settings.user_key_type}. */
    public static UserKeyType ofSqlType(String sqlType) {
        return Arrays.stream(values()).filter(t -> t.sqlType.equals(sqlType)).findFirst()
                .orElseThrow(() -> new IllegalStateException("settings.user_key_type is " + sqlType));
    }

    /** The kinds accepted, for {@code quota db check}. */
    public static String accepted() {
        return "an integer type, uuid, or a text type (text, varchar)";
    }

    /**
     * The key written as {@code text}, or {@code invalid_input} (exit 2) when it cannot be a
     * key of this kind: a typo is bad input, not a user who does not exist.
     */
    public UserKey parse(String text) {
        String key = text == null ? "" : text.strip();
        switch (this) {
            case WHOLE_NUMBER -> {
                if (key.isEmpty() || !key.chars().allMatch(Character::isDigit)) {
                    throw notAKey(key);
                }
                try {
                    long id = Long.parseLong(key);
                    if (id <= 0) {
                        throw QuotaException.invalidInput("user id must be positive, got " + key);
                    }
                    return new UserKey.Whole(id);
                } catch (NumberFormatException e) {
                    throw QuotaException.invalidInput("user id " + key + " is too large");
                }
            }
            case UUID -> {
                if (!UUID_TEXT.matcher(key).matches()) {
                    throw notAKey(key);
                }
                return new UserKey.Uuid(java.util.UUID.fromString(key));
            }
            default -> {
                if (key.isEmpty() || key.length() > TEXT_KEY_MAX || key.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
                    throw notAKey(key);
                }
                return new UserKey.Text(key);
            }
        }
    }

    /** A key this toolkit wrote as text itself (a partition's bound): no input rules. */
    public UserKey decode(String text) {
        return switch (this) {
            case WHOLE_NUMBER -> new UserKey.Whole(Long.parseLong(text));
            case UUID -> new UserKey.Uuid(java.util.UUID.fromString(text));
            case TEXT -> new UserKey.Text(text);
        };
    }

    private QuotaException notAKey(String key) {
        return QuotaException.invalidInput("'" + key + "' is neither a user id nor an email address: this product keys users by "
                + sqlType + " (" + shape + ")");
    }
}
