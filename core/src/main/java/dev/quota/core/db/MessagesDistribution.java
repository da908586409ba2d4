package dev.quota.core.db;

import dev.quota.core.QuotaException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the stand-in's messages are distributed on a Citus coordinator: by user, co-located
 * with the counters (the layout every chat-path statement prefers), or by conversation, in a
 * co-location group of their own, as a product whose messages belong to conversations
 * distributes them. Only a coordinator distributes anything; on one server both are the
 * same tables.
 */
public enum MessagesDistribution {
    BY_USER("user"), BY_CONVERSATION("conversation");

    private final String code;

    MessagesDistribution(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The script that distributes the stand-in's messages so, after stand-in-on-citus.sql. */
    String script() {
        return "dev/quota/core/db/stand-in-messages-" + name().toLowerCase(Locale.ROOT).replace('_', '-') + ".sql";
    }

    public static MessagesDistribution fromCode(String code) {
        return Arrays.stream(values()).filter(layout -> layout.code.equals(code)).findFirst()
                .orElseThrow(() -> QuotaException.invalidInput("the messages are distributed by "
                        + Arrays.stream(values()).map(MessagesDistribution::code).collect(Collectors.joining(" or ")) + ", not " + code));
    }
}
