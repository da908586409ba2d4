package dev.quota.core.db;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import dev.quota.core.UserKeyType;
import dev.quota.core.persistence.PlainStatement;
import java.sql.Connection;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * What the DBA declares about a deployment, in the toolkit schema's {@code settings} row:
 * whether the product tables are the toolkit's own stand-in, whether the product's
 * consumption code honours grants, and how the product keys its users (learned by
 * {@code quota db migrate} from the counter table). The toolkit refuses what would be a lie on a database
 * it does not own: writing the product's messages, or granting units the backend ignores.
 */
public record DeploymentSettings(boolean standIn, boolean backendHonoursGrants, UserKeyType userKeyType) {

    private static final PlainStatement READ = new PlainStatement("SELECT stand_in, backend_honours_grants, user_key_type FROM settings");

    public static DeploymentSettings read(Handle handle) {
        return read(handle.getConnection());
    }

    /** As {@link #read(Handle)}, on a plain connection. */
    public static DeploymentSettings read(Connection connection) {
        return READ.queryFirst(connection, Map.of(),
                        row -> new DeploymentSettings(row.getBoolean(1), row.getBoolean(2), UserKeyType.ofSqlType(row.getString(3))))
                .orElse(new DeploymentSettings(false, false, UserKeyType.WHOLE_NUMBER));
    }

    /** Records that the product tables are the toolkit's stand-in, whose consumption path reads grants. */
    static void declareStandIn(Handle handle) {
        handle.execute("UPDATE settings SET stand_in = true, backend_honours_grants = true, updated_at = now()");
    }

    /** Fails unless the toolkit may write the product's users and messages here. */
    public void requireStandIn(String command) {
        if (!standIn) {
            throw new QuotaException(ErrorCode.NOT_ALLOWED_HERE, command + " writes chat messages, which the product's backend owns on "
                    + "this database (settings.stand_in is false); change a day's usage with 'quota charge' or 'quota refund'",
                    Map.of("setting", "stand_in"));
        }
    }

    /** Fails unless a grant here would really raise the limit the product enforces. */
    public void requireGrantsHonoured() {
        if (!backendHonoursGrants) {
            throw new QuotaException(ErrorCode.NOT_ALLOWED_HERE, "grants are not honoured here: the product's backend enforces the plan "
                    + "limit without reading day_grants (settings.backend_honours_grants is false); give units back with "
                    + "'quota refund' instead, or see docs/read-contract.md#grants", Map.of("setting", "backend_honours_grants"));
        }
    }
}
