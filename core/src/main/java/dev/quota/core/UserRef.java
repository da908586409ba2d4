package dev.quota.core;

import java.util.Locale;
import java.util.Optional;

/**
 * How a caller names a user: a numeric id or an email address. Parsing is strict so that a
 * typo is reported as bad input rather than looked up as a user who does not exist.
 */
public sealed interface UserRef {

    record ById(long id) implements UserRef {
        @Override
        public String toString() {
            return Long.toString(id);
        }
    }

    record ByEmail(String email) implements UserRef {
        @Override
        public String toString() {
            return email;
        }
    }

    static UserRef parse(String text) {
        if (text == null || text.isBlank()) {
            throw QuotaException.invalidInput("a user (id or email) is required");
        }
        String ref = text.strip();
        if (ref.chars().allMatch(Character::isDigit)) {
            try {
                long id = Long.parseLong(ref);
                if (id <= 0) {
                    throw QuotaException.invalidInput("user id must be positive, got " + ref);
                }
                return new ById(id);
            } catch (NumberFormatException e) {
                throw QuotaException.invalidInput("user id " + ref + " is too large");
            }
        }
        int at = ref.indexOf('@');
        if (at > 0 && at == ref.lastIndexOf('@') && at < ref.length() - 1 && ref.chars().noneMatch(Character::isWhitespace)) {
            return new ByEmail(ref.toLowerCase(Locale.ROOT));
        }
        throw QuotaException.invalidInput("'" + ref + "' is neither a user id nor an email address");
    }

    default Optional<Long> knownId() {
        return this instanceof ById byId ? Optional.of(byId.id()) : Optional.empty();
    }
}
