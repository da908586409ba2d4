package dev.quota.core;

import java.util.Locale;

/**
 * How a caller names a user: the product's key as written, or an email address. An
 * email-shaped reference is an email; anything else is a key, checked against the product's
 * key type ({@link UserKeyType#parse}) once it is known, so that a typo is reported as bad
 * input rather than looked up as a user who does not exist.
 */
public sealed interface UserRef {

    record ByKey(String text) implements UserRef {
        @Override
        public String toString() {
            return text;
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
        int at = ref.indexOf('@');
        if (at > 0 && at == ref.lastIndexOf('@') && at < ref.length() - 1 && ref.chars().noneMatch(Character::isWhitespace)) {
            return new ByEmail(ref.toLowerCase(Locale.ROOT));
        }
        return new ByKey(ref);
    }
}
