package dev.quota.core;

import java.util.UUID;

/** Request ids: given by the caller (and then validated) or generated. */
public final class RequestIds {

    public static final int MAX_LENGTH = 128;

    private RequestIds() {
    }

    /** The caller's id when there is one, else a new random UUID. */
    public static String orNew(String requestId) {
        if (requestId == null) {
            return UUID.randomUUID().toString();
        }
        String id = requestId.strip();
        if (id.isEmpty() || id.length() > MAX_LENGTH || id.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw QuotaException.invalidInput("request_id must be 1 to " + MAX_LENGTH + " printable ASCII characters without spaces");
        }
        return id;
    }

    /**
     * The request_id stored on the {@code index}-th message (0-based) of a multi-unit
     * consumption: the first keeps the caller's id, so a retry collides on it.
     */
    public static String forUnit(String requestId, int index) {
        return index == 0 ? requestId : requestId + "#" + (index + 1);
    }

    /** The request_ids of all the messages of a {@code units}-message consumption. */
    public static String[] forUnits(String requestId, int units) {
        String[] ids = new String[units];
        for (int i = 0; i < units; i++) {
            ids[i] = forUnit(requestId, i);
        }
        return ids;
    }
}
