package dev.quota.core.db;

import dev.quota.core.QuotaException;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * Where the toolkit finds things in a database: the product's schema, which holds the chat
 * product's tables (the counters among them) and is never altered, and the toolkit's own
 * schema, which holds everything the toolkit adds, the read contract's views included.
 * Connections search the toolkit's schema first, then the product's, so the SQL names
 * tables without a schema and the same statements run whatever the two are called.
 */
public record Schemas(String product, String toolkit) {

    public static final String PRODUCT_VARIABLE = "QUOTA_PRODUCT_SCHEMA";
    public static final String TOOLKIT_VARIABLE = "QUOTA_SCHEMA";
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public static final Schemas DEFAULT = new Schemas("public", "quota");

    public Schemas {
        for (String name : new String[] {product, toolkit}) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw QuotaException.invalidInput("schema name '" + name + "' must be lower-case letters, digits and _ (at most 63)");
            }
        }
        if (product.equals(toolkit)) {
            throw QuotaException.invalidInput("the toolkit's schema must not be the product's schema (" + product + ")");
        }
    }

    /** The defaults, overridden by {@code QUOTA_PRODUCT_SCHEMA} and {@code QUOTA_SCHEMA} when set. */
    public static Schemas from(Map<String, String> env) {
        return new Schemas(orDefault(env.get(PRODUCT_VARIABLE), DEFAULT.product), orDefault(env.get(TOOLKIT_VARIABLE), DEFAULT.toolkit));
    }

    /** A pair of fresh schemas for a throw-away data set (simulation, bench): {@code prefix_xxxxxxxx} and its {@code _quota}. */
    public static Schemas scratch(String prefix) {
        String product = prefix + "_" + HexFormat.of().toHexDigits(new SplittableRandom().nextInt());
        return new Schemas(product, product + "_quota");
    }

    /** The connection's {@code search_path}: the toolkit's schema first. */
    public String searchPath() {
        return toolkit + "," + product;
    }

    /** {@code schema.name}, for the few statements that must not depend on the search path. */
    public String inToolkit(String name) {
        return toolkit + "." + name;
    }

    public String inProduct(String name) {
        return product + "." + name;
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.strip();
    }
}
